// A small line chart on a canvas: time on x, one or more series on y, from 0 to a maximum.

/**
 * Draws series of [timeMs, value] points over the window ending now.
 * @param canvas the canvas; its data-points attribute is set to the number of points drawn
 * @param series [{ points, color }]
 * @param max the y axis' top (at least the largest value)
 * @param windowMs how much time the x axis spans
 */
export function lineChart(canvas, series, max, windowMs = 5 * 60 * 1000) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth, height = canvas.clientHeight;
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  const g = canvas.getContext("2d");
  g.scale(ratio, ratio);
  const style = getComputedStyle(document.documentElement);
  g.strokeStyle = style.getPropertyValue("--chart-grid");
  g.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const y = Math.round(4 + (height - 8) * i / 4) + 0.5;
    g.beginPath(); g.moveTo(0, y); g.lineTo(width, y); g.stroke();
  }
  const end = Date.now(), start = end - windowMs;
  let drawn = 0;
  for (const { points, color } of series) {
    const top = Math.max(max, ...points.map(p => p[1]), 1e-9);
    g.strokeStyle = style.getPropertyValue(color) || color;
    g.lineWidth = 1.5;
    g.beginPath();
    let first = true;
    for (const [t, v] of points) {
      if (t < start) continue;
      const x = (t - start) / windowMs * width;
      const y = height - 4 - (v / top) * (height - 8);
      if (first) { g.moveTo(x, y); first = false; } else g.lineTo(x, y);
      drawn++;
    }
    g.stroke();
  }
  canvas.dataset.points = String(drawn);
}
