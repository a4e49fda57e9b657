export * from './agent';
export * from './audit';
export * from './auth';
export * from './containers';
export * from './exec';
export * from './health';
export * from './hosts';
export * from './masking';
