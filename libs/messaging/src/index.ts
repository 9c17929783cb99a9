export * from './amqp-connection';
export * from './topology';
