import type { Analyzer } from './analyzer'
import { configReadAnalyzer, proxylessAnalyzer } from './config'
import { multipleRulesAnalyzer, subsetSelectAnalyzer } from './destination-rule'
import { allowNothingAnalyzer, authorizationPoliciesAnalyzer, mtlsAnalyzer, peerAuthenticationAnalyzer, principalAnalyzer } from './security'
import { conflictingProtocolAnalyzer, workloadSelectionAnalyzer } from './service-entry'
import { conflictingHostsAnalyzer, destinationHostAnalyzer, destinationRuleSubsetAnalyzer, retryBudgetAnalyzer, routeWeightAnalyzer, unreachableRuleAnalyzer } from './virtual-service'

export type { Analyzer, ReportOn } from './analyzer'

/** Every analyzer, in the order their findings are grouped in docs/analysis.md. */
export const analyzers: readonly Analyzer[] = [
  configReadAnalyzer,
  proxylessAnalyzer,
  destinationHostAnalyzer,
  destinationRuleSubsetAnalyzer,
  conflictingHostsAnalyzer,
  unreachableRuleAnalyzer,
  routeWeightAnalyzer,
  retryBudgetAnalyzer,
  subsetSelectAnalyzer,
  multipleRulesAnalyzer,
  conflictingProtocolAnalyzer,
  workloadSelectionAnalyzer,
  authorizationPoliciesAnalyzer,
  allowNothingAnalyzer,
  principalAnalyzer,
  peerAuthenticationAnalyzer,
  mtlsAnalyzer,
]
