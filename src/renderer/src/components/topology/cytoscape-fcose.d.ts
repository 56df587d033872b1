// cytoscape-fcose ships no types; it is a cytoscape extension like any other.
declare module 'cytoscape-fcose' {
  import type { Ext } from 'cytoscape'
  const fcose: Ext
  export default fcose
}
