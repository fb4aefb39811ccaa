// The public face of src/remote/: what the pond worker imports to back up, restore, verify and zip a pond.
export { validateRemoteConfig, checkPondId, type RemoteConfig, type KeySigning, type EndpointSigning, type ValidRemoteConfig } from './config';
export { S3Remote, corsAdvice, type S3RemoteOptions } from './s3-client';
export { KeySigner, EndpointSigner, type UrlSigner, type PresignRequest, type PresignedUrl } from './signer';
export { push, listRemotePond, type PushOptions, type PushResult } from './push';
export { pull, type PullOptions, type PullResult } from './pull';
export { restore, verify, type RestoreOptions, type RestoreResult, type VerifyReport, type VerifyProblem } from './restore';
export { exportZip, zipChunks, type ZipExportOptions } from './zip-export';
export { importZip, type ZipImportOptions, type ZipImportResult } from './zip-import';
export type { ZipManifest, ManifestFile } from './zip-manifest';
export type { TransferProgress, ProgressCallback } from './progress';
export { rebase, type RebaseOptions, type RebaseResult } from './rebase';
export { copyAsNewPond } from './fork';
