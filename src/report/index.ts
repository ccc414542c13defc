export * from './run-record.js';
export { renderReportPage } from './report-page.js';
export { layoutStateMachine } from './graph-layout.js';
export { metricGates } from './metric-gates.js';
export { localRunRecord, writeLocalReportPage, REPORT_PAGE_FILE } from './local-record.js';
export { cloudRunRecord, type CloudRunFacts } from './cloud-record.js';
