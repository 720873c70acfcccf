export { signTestToken, TEST_JWT_SECRET, TEST_AUDIENCE, TEST_ISSUER } from './lib/testing/sign-test-token';
export type { TestTokenClaims, SignTestTokenOptions } from './lib/testing/sign-test-token';
export { createTestServerFactory } from './lib/testing/test-server-factory';
export type { TestServerFactory, TestServerFactoryOptions } from './lib/testing/test-server-factory';
export { connectClient, rawRequest } from './lib/testing/test-clients';
export type { ConnectedClient, ConnectClientOptions, RawResponse } from './lib/testing/test-clients';
export { connectV2Client } from './lib/testing/test-clients-v2';
export type { ConnectedV2Client, ConnectV2ClientOptions } from './lib/testing/test-clients-v2';
export { modernEnvelope, modernRequest, MODERN_PROTOCOL_VERSION } from './lib/testing/modern-request';
