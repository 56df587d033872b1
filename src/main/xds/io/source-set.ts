import { MeshdeckError } from '@shared/contract'
import { trackDisposable, type Disposable } from '../../lib/disposable'
import type { MeshConfigSource, MeshEndpointSource, MeshEndpointSourceFactory, MeshEndpointsUpdate, MeshSourceFactory, MeshSourceUpdate } from '../../mesh'
import { startDirectorySource } from '../../mesh/io'

/** What the control plane serves: a config source (a folder or another factory) and optional endpoints. */
export interface ControlPlaneSources {
  /** Folder of Istio YAML; the config source unless `source` is given. */
  meshDir?: string
  /** Another config source (a cluster's Istio CRDs). */
  source?: MeshSourceFactory
  /** Kubernetes Services and endpoints merged into every snapshot (a cluster's EndpointSlices). */
  endpoints?: MeshEndpointSourceFactory
}

/**
 * One started pair of sources with their latest updates. The control plane serves exactly one set
 * at a time; a set being started for a switch collects its updates without pushing them, so the
 * old set keeps serving until the new one is complete.
 */
export interface SourceSet extends Disposable {
  /** The folder when the config comes from one. */
  readonly meshDir: string | null
  readonly config: MeshConfigSource
  readonly endpoints: MeshEndpointSource | null
  configUpdate(): MeshSourceUpdate
  endpointsUpdate(): MeshEndpointsUpdate
}

const noEndpoints: MeshEndpointsUpdate = { version: 0, services: [], problems: [] }

/**
 * Starts the endpoint source, then the config source (both refuse a cluster that runs istiod, the
 * endpoints first so a refusal starts nothing); on a failure whatever started is disposed again.
 * `onChange` hears every update that arrives after the set is returned.
 */
export async function startSourceSet(sources: ControlPlaneSources, debounceMs: number | undefined, onChange: (set: SourceSet) => void): Promise<SourceSet> {
  let config: MeshSourceUpdate | null = null
  let endpoints: MeshEndpointsUpdate = noEndpoints
  let set: SourceSet | null = null
  const endpointSource = sources.endpoints
    ? await sources.endpoints({
        debounceMs,
        onChange: (update) => {
          endpoints = update
          if (set) onChange(set)
        },
      })
    : null
  const onConfig = (update: MeshSourceUpdate): void => {
    config = update
    if (set) onChange(set)
  }
  let configSource: MeshConfigSource
  try {
    if (sources.source) configSource = await sources.source({ onChange: onConfig, debounceMs })
    else if (sources.meshDir) configSource = await startDirectorySource({ dir: sources.meshDir, debounceMs, onChange: onConfig })
    else throw new MeshdeckError('invalid_params', 'The control plane needs a config source: a mesh folder or a cluster.', 'Pass meshDir or source.')
  } catch (err) {
    await endpointSource?.dispose()
    throw err
  }
  config = configSource.current()
  if (endpointSource) endpoints = endpointSource.current()
  const started: SourceSet = trackDisposable({
    meshDir: sources.source ? null : (sources.meshDir ?? null),
    config: configSource,
    endpoints: endpointSource,
    configUpdate: () => config ?? configSource.current(),
    endpointsUpdate: () => endpoints,
    dispose: async () => {
      await configSource.dispose()
      await endpointSource?.dispose()
    },
  })
  set = started
  return started
}
