/** The certificate provider instance name Meshdeck's xDS resources refer to. */
export const certificateProviderInstance = 'meshdeck'
export const defaultRefreshIntervalSeconds = 30

export interface FileWatcherProvider {
  plugin_name: 'file_watcher'
  config: {
    certificate_file: string
    private_key_file: string
    ca_certificate_file: string
    /** A protobuf JSON Duration, e.g. "30s". */
    refresh_interval: string
  }
}

export type CertificateProviders = Record<string, FileWatcherProvider>

/** Where a workload's certificate, key and CA bundle live (written by io/workload-files.ts). */
export interface WorkloadCertificateFiles {
  dir: string
  certificateFile: string
  privateKeyFile: string
  caCertificateFile: string
}

/**
 * The `certificate_providers` block of a gRPC xDS bootstrap for one workload: grpc-js-xds (and
 * every proxyless gRPC) reloads these files every refresh_interval, which is how renewed
 * certificates reach a running workload without a restart.
 */
export function certificateProviders(
  files: WorkloadCertificateFiles,
  options: { instanceName?: string; refreshIntervalSeconds?: number } = {},
): CertificateProviders {
  const seconds = options.refreshIntervalSeconds ?? defaultRefreshIntervalSeconds
  return {
    [options.instanceName ?? certificateProviderInstance]: {
      plugin_name: 'file_watcher',
      config: {
        certificate_file: files.certificateFile,
        private_key_file: files.privateKeyFile,
        ca_certificate_file: files.caCertificateFile,
        refresh_interval: `${seconds}s`,
      },
    },
  }
}
