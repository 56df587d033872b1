import { MeshdeckError, type ContextList } from '@shared/contract'
import { describeContexts, loadKubeconfig, type LoadedKubeconfig } from './kubeconfig-loader'

/**
 * Which kubeconfig context Meshdeck is looking at. Selecting one changes Meshdeck's view only; the
 * kubeconfig's own current-context is never rewritten (other tools share that file).
 */
export class ContextService {
  private selected: string | null = null
  private loaded: LoadedKubeconfig | undefined

  constructor(
    private readonly kubeconfigPath: string | undefined,
    private readonly initialContext: string | undefined,
    private readonly onChange: (selected: string | null) => void,
  ) {}

  async list(): Promise<ContextList> {
    const loaded = await this.reload()
    return describeContexts(loaded, this.selected)
  }

  current(): string | null {
    return this.selected
  }

  async select(name: string): Promise<{ selected: string }> {
    const loaded = await this.reload()
    if (!loaded.merged.contexts.has(name)) {
      const known = [...loaded.merged.contexts.keys()]
      throw new MeshdeckError(
        'unknown_context',
        `There is no context named "${name}" in ${loaded.merged.files.join(', ') || 'any kubeconfig file'}.`,
        known.length > 0 ? `Known contexts: ${known.join(', ')}.` : 'Add a kubeconfig file or set KUBECONFIG.',
      )
    }
    this.selected = name
    this.onChange(name)
    return { selected: name }
  }

  private async reload(): Promise<LoadedKubeconfig> {
    this.loaded = await loadKubeconfig(this.kubeconfigPath)
    if (this.selected === null) {
      const wanted = this.initialContext ?? this.loaded.merged.currentContext
      if (wanted !== undefined && this.loaded.merged.contexts.has(wanted)) this.selected = wanted
    }
    return this.loaded
  }

  /** Reads the kubeconfig once at start so the status bar shows a context right away. */
  async init(): Promise<void> {
    await this.reload()
  }
}
