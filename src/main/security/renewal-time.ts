/** Renewal lands between these fractions of a certificate's life, as Istio's agent does by default. */
export const renewAfterFraction = { min: 0.5, max: 0.8 } as const

/**
 * When to renew a certificate: a random point between 50 % and 80 % of its life, so that many
 * workloads issued together do not all come back to the CA in the same second.
 */
export function renewalTime(notBefore: Date, notAfter: Date, random: () => number = Math.random): Date {
  const life = notAfter.getTime() - notBefore.getTime()
  const r = Math.min(1, Math.max(0, random()))
  const fraction = renewAfterFraction.min + (renewAfterFraction.max - renewAfterFraction.min) * r
  return new Date(notBefore.getTime() + Math.round(life * fraction))
}
