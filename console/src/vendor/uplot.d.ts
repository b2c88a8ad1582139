// uPlot as the page loads it: its ES module, copied beside the page's modules at build.
import type UPlot from 'uplot';

declare const uPlot: typeof UPlot;
export default uPlot;
