/**
 * Mesh analysis, the I/O part: the files and folders `meshdeck analyze` reads, and the live
 * service that analyses every config the control plane reads (analysis.* in the API).
 */
export { readAnalysisFiles, analyzedExtensions, type ReadFiles } from './read-files'
export { AnalysisService, type AnalysisServiceOptions } from './analysis-service'
export { registerAnalysisApi, type AnalysisApiDeps } from './analysis-api'
