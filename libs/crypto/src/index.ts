export * from './crypto-error';
export * from './keys';
export * from './sealing';
export * from './signing';
export * from './at-rest';
