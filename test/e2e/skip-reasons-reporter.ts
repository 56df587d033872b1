import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter'

/** Prints why each skipped test did not run, so a skip never hides silently in the summary. */
export default class SkipReasonsReporter implements Reporter {
  private readonly lines: string[] = []

  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status !== 'skipped') return
    const reason = test.annotations.find((a) => a.type === 'skip')?.description ?? 'no reason given'
    this.lines.push(`  did not run: ${test.titlePath().slice(1).join(' › ')} — ${reason}`)
  }

  onEnd(): void {
    if (this.lines.length > 0) console.log(`\nSkipped tests and why:\n${this.lines.join('\n')}`)
  }

  printsToStdio(): boolean {
    return true
  }
}
