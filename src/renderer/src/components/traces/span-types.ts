/** The contract's trace types as the trace components use them. */
import type { z } from 'zod'
import type { attributeValueSchema } from '@shared/contract/traces'
export type { SpanDto, SpanLogsDto, SpanMeshContextDto } from '@shared/contract/traces'
export type AttributeValueDto = z.infer<typeof attributeValueSchema>
