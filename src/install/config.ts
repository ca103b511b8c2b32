// What the install step is asked to do (read from the inputs by src/inputs/).
export interface InstallConfig {
  install: boolean;
  version: string; // 'latest' or a version without the leading v
  downloadUrl: string; // base URL laid out like https://github.com/fluxcd/flux2/releases/download
  /** A plain http:// download-url that is not loopback is refused unless this is set. */
  allowInsecureDownload: boolean;
  token: string;
}
