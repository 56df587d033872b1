/** Exit code for a bad command line: the supervisor does not restart a workload that cannot start. */
export const exitConfigError = 2
