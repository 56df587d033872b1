/**
 * Mesh analysis, the pure part: analyzers that find what goes wrong between objects — references
 * to what does not exist, conflicts, unreachable routes, policies that deny everything or name no
 * one — and what proxyless gRPC cannot honour, each finding with Istio's code, level and words
 * where Istio's analysis has the same finding (docs/analysis.md lists them all). The live service
 * (analysis on every new config, analysis.* in the API) and the file and cluster readers of
 * `meshdeck analyze` are in ./io.
 *
 *   const { findings } = analyzeMesh({ snapshot, sourceProblems, pods, namespaces })
 *   formatFindings(filterFindings(findings, { namespace, suppressions }), 'log')
 */
export { analyzeMesh, selectAnalyzers, type AnalysisResult } from './analyze'
export { analyzers, type Analyzer } from './analyzers'
export { defaultRootNamespace, defaultTrustDomain, type AnalysisInput, type MeshWorkload } from './context'
export { atLeast, compareFindings, findingKey, levelRank, levels, parseLevel, resourceName, type Finding, type Level } from './finding'
export { formatMessage, isKnownCode, messageType, messageTypes, type MessageType } from './messages'
export { countLevels, filterFindings, parseSuppression, type FindingFilter, type Suppression } from './filter'
export { documentationUrl, findingRecord, formatFindings, formatLogLine, outputFormats, type OutputFormat } from './format'
export { compareAnalyses, withFileObjects, withObject, type EditAnalysis } from './edit'
export { clusterAnalysisPlan, inventoryLists, type ClusterAnalysisPlan } from './cluster'
