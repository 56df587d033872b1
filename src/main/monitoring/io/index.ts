/** Monitoring, the I/O part: the prom-client registry fed by the control plane, the CA and the collector, on the monitoring port. */
export { startMonitoring, type Monitoring, type MonitoringOptions, type MonitoringSources, type MonitoredControlPlane } from './monitoring-server'
export { registerMonitoringApi } from './monitoring-api'
