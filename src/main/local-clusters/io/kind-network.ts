import { kindNetworkGateway } from './demo-image'
import { EngineClient, resolveEngine } from './engine'

/** The kind network's gateway through the engine kind would use, or null (no engine, no network yet). */
export async function kindNetworkGatewayOfEngine(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const endpoint = resolveEngine(null, env)
  if (!endpoint.socket || endpoint.name === 'nerdctl') return null
  return kindNetworkGateway(new EngineClient(endpoint.socket).docker)
}
