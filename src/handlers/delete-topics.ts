import { ErrorCode } from '../wire/error-codes.js';
import { DeleteTopicsRequest, DeleteTopicsResponse } from '../wire/messages/delete-topics.js';
import { ZERO_UUID } from '../wire/reader.js';
import type { InputMessage } from '../wire/schema.js';
import { defineHandler } from './handler.js';

type Result = NonNullable<InputMessage<typeof DeleteTopicsResponse>['responses']>[number];

export const deleteTopics = defineHandler(DeleteTopicsRequest, DeleteTopicsResponse, { min: 0, max: 6 }, async (req, ctx) => {
  const { broker, apiVersion } = ctx;
  // v0-5 name topics; v6 names or ids.
  const wanted = apiVersion >= 6 ? req.topics : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
  const responses: Result[] = [];
  for (const w of wanted) {
    const byId = w.name === null;
    const info = byId ? broker.store.topicById(w.topicId) : broker.store.topic(w.name!);
    const base: Result = { name: info?.name ?? w.name, topicId: info?.topicId ?? w.topicId };
    if (!info) {
      responses.push({ ...base, errorCode: byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null });
      continue;
    }
    if (!broker.config.deleteTopicEnable) {
      responses.push({ ...base, errorCode: ErrorCode.TOPIC_DELETION_DISABLED, errorMessage: 'Topic deletion is disabled.' });
      continue;
    }
    if (info.internal) {
      responses.push({ ...base, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: `Cannot delete internal topic ${info.name}` });
      continue;
    }
    await broker.deleteTopic(info.name);
    ctx.log.info({ topic: info.name }, 'deleted topic');
    responses.push({ ...base, errorCode: ErrorCode.NONE, errorMessage: null });
  }
  return { throttleTimeMs: 0, responses };
});
