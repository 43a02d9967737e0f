/**
 * The handler table: one entry per Kafka API this broker serves. ApiVersions
 * and the README's API table are derived from it.
 */
import { apiVersions } from './api-versions.js';
import { createTopics } from './create-topics.js';
import { deleteTopics } from './delete-topics.js';
import { fetch } from './fetch.js';
import type { Handler } from './handler.js';
import { listOffsets } from './list-offsets.js';
import { metadata } from './metadata.js';
import { produce } from './produce.js';

export const HANDLERS: readonly Handler[] = [produce, fetch, listOffsets, metadata, apiVersions, createTopics, deleteTopics].sort(
  (a, b) => a.apiKey - b.apiKey,
);

export type { Handler, RequestContext } from './handler.js';
