export { signTestToken, TEST_JWT_SECRET, TEST_AUDIENCE, TEST_ISSUER } from './lib/testing/sign-test-token';
export type { TestTokenClaims, SignTestTokenOptions } from './lib/testing/sign-test-token';
export { createTestServerFactory } from './lib/testing/test-server-factory';
export type { TestServerFactory, TestServerFactoryOptions } from './lib/testing/test-server-factory';
export { connectClient, rawRequest } from './lib/testing/test-clients';
export type { ConnectedClient, ConnectClientOptions, RawResponse } from './lib/testing/test-clients';
