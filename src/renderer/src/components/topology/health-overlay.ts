import type { Core, EdgeSingular, NodeSingular } from 'cytoscape'
import type { HealthClass } from '@shared/contract'
import type { GraphPalette } from './graph-style'
import { healthPaint, paintedHealth, type HealthEdge, type HealthNode, type PaintedHealth } from './health-paint'

/**
 * Health colours of a large graph, on a canvas of their own above cytoscape's. A colour change
 * inside cytoscape's styles makes it throw away its cached picture and redraw every element:
 * 110–160 ms of CPU per change on the 3,600-element scale bench (software canvas). Repainting
 * this canvas, which holds only the handful of unhealthy elements, takes a few milliseconds.
 *
 * It repaints on cytoscape's 'render' event (fired after every frame cytoscape draws: pan, zoom,
 * drag, layout, its texture while panning), so marks move with the drawing in the same frame, and
 * once per animation frame after health changes.
 */
export class HealthOverlay {
  private readonly canvas: HTMLCanvasElement
  private readonly ctx: CanvasRenderingContext2D
  /** Only elements worth a mark; a healthy or idle element is simply absent. */
  private readonly nodes = new Map<string, PaintedHealth>()
  private readonly edges = new Map<string, PaintedHealth>()
  private frame: number | null = null
  private readonly onRender = (): void => this.draw()

  constructor(
    private readonly cy: Core,
    container: HTMLElement,
    private palette: GraphPalette,
  ) {
    this.canvas = document.createElement('canvas')
    this.canvas.dataset.testid = 'topology-health-overlay'
    // Above cytoscape's own canvases and never in the way of a click or drag.
    this.canvas.style.cssText = 'position:absolute;left:0;top:0;pointer-events:none;z-index:1'
    container.appendChild(this.canvas)
    const ctx = this.canvas.getContext('2d')
    if (!ctx) throw new Error('no 2D canvas for the health overlay')
    this.ctx = ctx
    cy.on('render', this.onRender)
  }

  /** Records an element's health (null: it is gone); the canvas follows on the next frame. */
  set(id: string, isEdge: boolean, health: HealthClass | null): void {
    const map = isEdge ? this.edges : this.nodes
    const before = map.get(id)
    if (health !== null && paintedHealth(health)) map.set(id, health)
    else map.delete(id)
    if (map.get(id) !== before) this.schedule()
  }

  clear(): void {
    this.nodes.clear()
    this.edges.clear()
    this.schedule()
  }

  setPalette(palette: GraphPalette): void {
    this.palette = palette
    this.schedule()
  }

  destroy(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame)
    this.cy.off('render', this.onRender)
    this.canvas.remove()
  }

  private schedule(): void {
    this.frame ??= requestAnimationFrame(() => {
      this.frame = null
      this.draw()
    })
  }

  /** Paints every mark from scratch: nothing an element left behind can survive a repaint. */
  draw(): void {
    const width = this.cy.width()
    const height = this.cy.height()
    const ratio = window.devicePixelRatio || 1
    if (this.canvas.width !== Math.round(width * ratio) || this.canvas.height !== Math.round(height * ratio)) {
      this.canvas.width = Math.round(width * ratio)
      this.canvas.height = Math.round(height * ratio)
      this.canvas.style.width = `${width}px`
      this.canvas.style.height = `${height}px`
    }
    const ctx = this.ctx
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0)
    ctx.clearRect(0, 0, width, height)
    if (this.nodes.size === 0 && this.edges.size === 0) return
    const paint = healthPaint(this.nodeMarks(), this.edgeMarks(), { zoom: this.cy.zoom(), pan: this.cy.pan(), width, height })
    const colour = (h: PaintedHealth): string => (h === 'failing' ? this.palette.bad : this.palette.warn)
    ctx.lineCap = 'round'
    for (const l of paint.lines) {
      ctx.strokeStyle = colour(l.health)
      ctx.lineWidth = l.width
      ctx.beginPath()
      ctx.moveTo(l.x1, l.y1)
      ctx.lineTo(l.x2, l.y2)
      ctx.stroke()
    }
    for (const r of paint.rings) {
      ctx.strokeStyle = colour(r.health)
      ctx.lineWidth = r.width
      ctx.beginPath()
      ctx.arc(r.x, r.y, r.r, 0, 2 * Math.PI)
      ctx.stroke()
    }
  }

  private *nodeMarks(): Generator<HealthNode> {
    for (const [id, health] of this.nodes) {
      const node = this.cy.getElementById(id) as NodeSingular
      if (node.nonempty() && !node.isParent()) yield { id, at: node.position(), health }
    }
  }

  private *edgeMarks(): Generator<HealthEdge> {
    for (const [id, health] of this.edges) {
      const edge = this.cy.getElementById(id) as EdgeSingular
      if (edge.nonempty()) yield { id, from: edge.source().position(), to: edge.target().position(), health }
    }
  }
}
