import { join } from 'node:path'
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js'
import { loadSync } from '@grpc/proto-loader'
import { findResource } from '../resources'

/** TypeScript view of resources/demo/protos/demo.proto (proto-loader turns snake_case into camelCase). */
export interface Served {
  workload: string
  service: string
  version: string
}
export interface ProductRequest {
  productId: number
}
export interface DetailsReply {
  served: Served
  productId: number
  title: string
  author: string
  pages: number
}
export interface Review {
  reviewer: string
  text: string
  stars: number
  starColor: string
}
export interface ReviewsReply {
  served: Served
  productId: number
  reviews: Review[]
  ratingsServed: Served | null
}
export interface RatingsReply {
  served: Served
  productId: number
  ratings: Record<string, number>
}
export interface ProductPage {
  served: Served
  details: DetailsReply
  reviews: ReviewsReply
}

/** Each role's service and its single unary method, as named in demo.proto. */
export const serviceOf = {
  frontend: { service: 'Frontend', method: 'GetProductPage' },
  details: { service: 'Details', method: 'GetDetails' },
  reviews: { service: 'Reviews', method: 'GetReviews' },
  ratings: { service: 'Ratings', method: 'GetRatings' },
} as const
export type ServingRole = keyof typeof serviceOf

/** demo.proto from resources/, found from wherever this code runs (src/ or out/main/). */
export function findDemoProto(start: string = __dirname): string {
  return findResource(join('demo', 'protos', 'demo.proto'), start)
}

export interface DemoApi {
  service(role: ServingRole): ServiceDefinition
  method<Req, Res>(role: ServingRole): MethodDefinition<Req, Res>
}

export function loadDemoApi(protoPath: string): DemoApi {
  const definition = loadSync(protoPath, { defaults: true, oneofs: true, longs: Number })
  const service = (role: ServingRole): ServiceDefinition => {
    const found = definition[`meshdeck.demo.v1.${serviceOf[role].service}`]
    if (!found || 'format' in found) throw new Error(`demo.proto has no service ${serviceOf[role].service}`)
    return found as ServiceDefinition
  }
  return {
    service,
    method: <Req, Res>(role: ServingRole) => {
      const found = service(role)[serviceOf[role].method]
      if (!found) throw new Error(`demo.proto has no method ${serviceOf[role].method}`)
      return found as MethodDefinition<Req, Res>
    },
  }
}
