/**
 * Errors the network layer understands. A ProtocolError means the peer sent
 * bytes that cannot be a valid Kafka request (bad size prefix, unparseable
 * header, truncated body): there is no correlation id we can trust to answer
 * on, so Kafka's behaviour — and ours — is to close the connection.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
