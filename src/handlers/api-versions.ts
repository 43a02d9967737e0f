import { ErrorCode } from '../wire/error-codes.js';
import { ApiVersionsRequest, ApiVersionsResponse } from '../wire/messages/api-versions.js';
import { defineHandler } from './handler.js';

// KIP-511: client software name and version must be printable identifiers.
const SOFTWARE_RE = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

export const apiVersions = defineHandler(ApiVersionsRequest, ApiVersionsResponse, { min: 0, max: 4 }, (req, ctx) => {
  if (ctx.apiVersion >= 3 && (!SOFTWARE_RE.test(req.clientSoftwareName) || !SOFTWARE_RE.test(req.clientSoftwareVersion))) {
    ctx.log.debug({ name: req.clientSoftwareName, version: req.clientSoftwareVersion }, 'ApiVersions with invalid client software name/version');
    return { errorCode: ErrorCode.INVALID_REQUEST, apiKeys: [] };
  }
  return { errorCode: ErrorCode.NONE, apiKeys: ctx.broker.supportedApis(), throttleTimeMs: 0 };
});
