export * from './agent';
export * from './audit';
export * from './auth';
export * from './containers';
export * from './health';
export * from './masking';
