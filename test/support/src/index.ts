// Harness for the tests, the demo and the benchmark. Must not import jest.
export * from './env';
export * from './free-port';
export * from './postgres';
export * from './rabbitmq';
export * from './samba';
export * from './seed';
export * from './slapd';
export * from './test-ca';
export * from './wait-for';
// The product as processes, and the e2e environment built from the pieces above.
export * from './cloud-api';
export * from './environment';
export * from './forge';
export * from './ldap-check';
export * from './processes';
export * from './stack';
