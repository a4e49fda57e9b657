// class-transformer ships its metadata storage (used to resolve @Type) without a typed entry.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
