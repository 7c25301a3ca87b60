// The dashboard's files as lib/dashboard/embedded.ts imports them: text, inlined by esbuild.

declare module '#dashboard/page/index.html' {
  const text: string;
  export default text;
}
declare module '#dashboard/page/app.js' {
  const text: string;
  export default text;
}
declare module '#dashboard/page/app.css' {
  const text: string;
  export default text;
}
declare module 'uplot/dist/uPlot.iife.min.js' {
  const text: string;
  export default text;
}
declare module 'uplot/dist/uPlot.min.css' {
  const text: string;
  export default text;
}
