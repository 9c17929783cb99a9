import 'reflect-metadata';
export * from './codes';
export * from './message-types';
export * from './payloads';
export * from './envelope';
export * from './topology';
export * from './secret';
