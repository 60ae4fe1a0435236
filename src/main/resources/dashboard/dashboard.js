// The dashboard: the study's protocol, cohort charts per analyte and a patient view, polled from the JSON API.
// Every chart says what it shows: axis titles with units, days in the protocol's own day convention, the visit
// windows shaded, and each chart's data (CSV) and picture (PNG) can be downloaded.
'use strict';

const POLL_MS = 5000;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const WINDOW_FILL = 'rgba(104,112,184,0.10)';
const REFERENCE_FILL = 'rgba(60,160,60,0.10)';
const INDICATOR = {
  HIGH: { color: '#d62728', label: 'above the reference interval (HIGH)' },
  NORMAL: { color: '#2ca02c', label: 'within the reference interval' },
  LOW: { color: '#1f77b4', label: 'below the reference interval (LOW)' },
  NONE: { color: '#777777', label: 'no reference interval' },
};
const charts = new Map(); // element id -> echarts instance
const downloads = new Map(); // chart element id -> () => { name, header, rows }
const riskRows = new Map(); // KM chart id -> { days, rows } to re-place the number-at-risk cells on resize
let analytes = [];
let protocol = null;
let patientId = null;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
  children.forEach(c => e.append(c));
  return e;
}

function fmt(x, digits) {
  if (x === null || x === undefined || Number.isNaN(x)) return 'n/a';
  return Number(x).toFixed(digits === undefined ? 1 : digits);
}

// Values as the lab reports them: no trailing zeros, at most 4 significant decimals.
function num(x) {
  if (x === null || x === undefined) return 'n/a';
  return String(Number(Number(x).toPrecision(4)));
}

function fmtP(p) {
  if (p === null || p === undefined) return 'p = n/a';
  return p < 0.001 ? 'p < 0.001' : 'p = ' + Number(p).toFixed(3);
}

async function getJson(url) {
  const r = await Login.fetch(url);
  if (!r.ok) {
    const e = new Error(url.startsWith('/api/patients') ? 'patient request' : url);
    e.status = r.status;
    throw e;
  }
  return r.json();
}

function chart(id) {
  let c = charts.get(id);
  const node = document.getElementById(id);
  if (!c || c.getDom() !== node) {
    // SVG, so that what is drawn is in the DOM (the browser test reads it).
    c = echarts.init(node, null, { renderer: 'svg' });
    charts.set(id, c);
  }
  return c;
}

// ---- days in the protocol's convention -------------------------------------------------------------------

function ady() {
  return protocol && protocol.dayConvention === 'ADY';
}

// A protocol day (infusion day 0) as the protocol writes it: CDISC study days have no day 0.
function dayOfPdy(pdy) {
  return ady() && pdy >= 0 ? pdy + 1 : pdy;
}

function dayAxisTitle() {
  return ady() ? 'Study day (ADY: infusion day = 1, no day 0)' : 'Protocol day (PDY: infusion day = 0)';
}

function dayLabel(value) {
  // An ADY axis has no day 0: the tick between day -1 and day 1 is left unlabelled.
  return ady() && value === 0 ? '' : String(value);
}

// A day axis from `low` to `high` ticked every week when it spans weeks (visits are weekly in the seeds), else
// every day. ECharts counts an explicit interval from the axis minimum, so the ends are whole weeks.
function dayRange(low, high) {
  const step = high - low > 20 ? 7 : 1;
  return { min: Math.floor(low / step) * step, max: Math.ceil(high / step) * step, step };
}

function dayAxis(title, range) {
  return { type: 'value', name: title, nameLocation: 'middle', nameGap: 28, min: range.min, max: range.max,
    interval: range.step, splitLine: { show: false }, axisLabel: { formatter: dayLabel } };
}

function visitOf(name) {
  const v = protocol ? protocol.visits.find(w => w.visit === name) : null;
  if (v) return v;
  const m = /^D(-?\d+)$/.exec(name);
  const day = name === 'BASELINE' ? dayOfPdy(0) : m ? Number(m[1]) : null;
  return { visit: name, day, low: day, high: day, dayPdy: day, lowPdy: day, highPdy: day };
}

function visitLabel(name) {
  const v = visitOf(name);
  return (name === 'BASELINE' ? 'BL' : name) + (v.day === null ? '' : ' (day ' + v.day + ')');
}

// Visit windows as shaded x ranges within the axis' range: on a chart of visit days, a window of whole days
// d1..d2 covers [d1 - 0.5, d2 + 0.5] around its points; on a time line, [d1, d2 + 1).
function visitWindowAreas(halfDay, range) {
  const visits = protocol ? protocol.visits : [];
  return visits.map(v => [
    { xAxis: Math.max(range.min, halfDay ? v.low - 0.5 : v.low), name: v.visit === 'BASELINE' ? 'BL' : v.visit,
      itemStyle: { color: WINDOW_FILL }, label: { position: 'insideTop', color: '#505a8c', fontSize: 10 } },
    { xAxis: Math.min(range.max, halfDay ? v.high + 0.5 : v.high + 1) },
  ]);
}

// ---- arms ----------------------------------------------------------------------------------------------------

// Every arm of the protocol, with data or not, then any other arm the data names; ALL only when there is no arm.
function armsOf(records) {
  const inData = [...new Set(records.filter(r => r.stratumLabel === null).map(r => r.arm))].sort();
  const declared = protocol ? protocol.arms : [];
  const arms = declared.concat(inData.filter(a => a !== 'ALL' && !declared.includes(a)));
  return arms.length > 0 ? arms : inData;
}

function colorOf(arms, arm) {
  return COLORS[arms.indexOf(arm) % COLORS.length];
}

// ---- downloads -----------------------------------------------------------------------------------------------

function csvCell(v) {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function csvText(table) {
  return [table.header].concat(table.rows).map(r => r.map(csvCell).join(',')).join('\n') + '\n';
}

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function downloadCsv(id) {
  const table = downloads.get(id)();
  save(new Blob([csvText(table)], { type: 'text/csv;charset=utf-8' }), table.name + '.csv');
}

// The chart drawn again by ECharts' canvas renderer off screen, as a PNG (the page's charts are SVG).
function downloadPng(id) {
  const source = charts.get(id);
  const node = el('div', { style: 'position:absolute;left:-10000px;top:0;width:' + source.getWidth() + 'px;height:'
    + source.getHeight() + 'px' });
  document.body.append(node);
  const copy = echarts.init(node, null, { renderer: 'canvas' });
  copy.setOption(source.getOption());
  const url = copy.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' });
  copy.dispose();
  node.remove();
  const bytes = atob(url.substring(url.indexOf(',') + 1));
  const data = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) data[i] = bytes.charCodeAt(i);
  save(new Blob([data], { type: 'image/png' }), downloads.get(id)().name + '.png');
}

function downloadButtons(id) {
  const csv = el('button', { type: 'button', class: 'download', 'data-chart': id, 'data-format': 'csv',
    title: 'Download the data of this chart (CSV)' }, 'CSV');
  const png = el('button', { type: 'button', class: 'download', 'data-chart': id, 'data-format': 'png',
    title: 'Download this chart as an image (PNG)' }, 'PNG');
  csv.addEventListener('click', () => downloadCsv(id));
  png.addEventListener('click', () => downloadPng(id));
  return el('span', { class: 'downloads' }, csv, png);
}

// ---- the study -----------------------------------------------------------------------------------------------

function renderStudy() {
  document.getElementById('study-title').textContent = protocol.title;
  const parts = [];
  if (protocol.citation) parts.push(protocol.citation);
  parts.push('protocol ' + protocol.name);
  parts.push(protocol.arms.length > 0 ? 'arms: ' + protocol.arms.join(', ') : 'arms: as in the data');
  parts.push(ady() ? 'days: ADY (infusion day 1, no day 0)' : 'days: PDY (infusion day 0)');
  parts.push('follow-up ' + num(protocol.followUpDays) + ' days');
  parts.push('quartiles: Hyndman-Fan type ' + protocol.quantileType);
  document.getElementById('study-detail').textContent = parts.join(' \u00b7 ');
  const arms = document.getElementById('study-arms');
  arms.replaceChildren(...protocol.arms.map((a, k) => el('li', { class: 'arm', 'data-arm': a },
    el('span', { class: 'swatch', style: 'background:' + COLORS[k % COLORS.length] }), a)));
}

// ---- cohort: median [Q1-Q3] by visit -------------------------------------------------------------------------

function quantileTypeOf(rows) {
  const withType = rows.find(r => r.quantileType !== undefined && r.quantileType !== null);
  return withType ? withType.quantileType : protocol.quantileType;
}

function referenceAreas(def, dataMax) {
  if (!def) return [];
  return def.intervals.map((i, k) => {
    const low = i.low === null ? 0 : i.low;
    const high = i.high === null ? Math.max(low * 1.5, dataMax * 1.1, low + 1) : i.high;
    const label = (i.assayType ? i.assayType + ' ' : '') + 'reference ' + i.text + ' ' + def.unit;
    // Two intervals (D-dimer FEU and DDU) overlap: their labels go to opposite corners.
    return [{ yAxis: low, name: label, itemStyle: { color: REFERENCE_FILL },
      label: { position: k === 0 ? 'insideBottomRight' : 'insideBottomLeft', color: '#3a7d3a', fontSize: 10 } },
    { yAxis: high }];
  });
}

function renderVisits(def, visits) {
  const id = 'visits-' + def.analyte;
  const rows = visits.filter(v => v.stratumLabel === null && (protocol.arms.length === 0 || v.arm !== 'ALL'));
  const arms = armsOf(rows);
  const type = quantileTypeOf(rows);
  const visitNames = [...new Set(rows.map(v => v.visit))];
  visitNames.sort((a, b) => visitOf(a).day - visitOf(b).day);
  const dataMax = Math.max(0, ...rows.map(v => (v.q3 === null ? 0 : v.q3)));
  const xs = protocol.visits.flatMap(v => [v.low, v.high]).concat(rows.map(v => visitOf(v.visit).day));
  const range = dayRange(Math.min(...xs), Math.max(...xs));
  // Arms side by side at a visit, a fifth of a day apart, so their bars do not cover each other.
  const dodge = arm => (arms.indexOf(arm) - (arms.length - 1) / 2) * 0.2;
  const series = [];
  arms.forEach((arm, k) => {
    const color = colorOf(arms, arm);
    const cells = rows.filter(v => v.arm === arm && v.median !== null)
      .sort((a, b) => visitOf(a.visit).day - visitOf(b.visit).day);
    const data = cells.map(v => ({ value: [visitOf(v.visit).day + dodge(arm), v.median, v.q1, v.q3], cell: v }));
    const median = { name: arm, type: 'line', data, symbolSize: 7, itemStyle: { color }, lineStyle: { width: 2 },
      encode: { x: 0, y: 1 } };
    if (k === 0) {
      median.markArea = { silent: true, data: visitWindowAreas(true, range).concat(referenceAreas(def, dataMax)) };
    }
    series.push(median);
    series.push({ name: arm, type: 'custom', data: data.filter(d => d.value[2] !== null && d.value[3] !== null),
      encode: { x: 0, y: [2, 3] }, itemStyle: { color }, z: 1, tooltip: { show: false },
      renderItem: (params, api) => {
        const top = api.coord([api.value(0), api.value(3)]);
        const bottom = api.coord([api.value(0), api.value(2)]);
        const style = { stroke: color, lineWidth: 1.5 };
        return { type: 'group', children: [
          { type: 'line', shape: { x1: top[0], y1: top[1], x2: bottom[0], y2: bottom[1] }, style },
          { type: 'line', shape: { x1: top[0] - 4, y1: top[1], x2: top[0] + 4, y2: top[1] }, style },
          { type: 'line', shape: { x1: bottom[0] - 4, y1: bottom[1], x2: bottom[0] + 4, y2: bottom[1] }, style },
        ] };
      } });
  });
  chart(id).setOption({
    animation: false,
    title: { text: 'Median [Q1\u2013Q3] by visit', subtext: 'quartiles: Hyndman-Fan type ' + type
      + '; shaded: visit windows', textStyle: { fontSize: 12 }, subtextStyle: { fontSize: 10 } },
    tooltip: { trigger: 'item', formatter: p => {
      const v = p.data.cell;
      return v.arm + ', ' + visitLabel(v.visit) + '<br>median ' + num(v.median) + ' [' + num(v.q1) + '\u2013'
        + num(v.q3) + '] ' + def.unit + ', type ' + type + '<br>n/N ' + v.n + '/' + (v.n + v.nMissing);
    } },
    legend: { data: arms, top: 34 },
    grid: { left: 62, right: 20, top: 70, bottom: 48 },
    xAxis: dayAxis(dayAxisTitle(), range),
    // At the left edge, not at day 0, where it would look like an event.
    yAxis: { type: 'value', name: def.analyte + ' (' + def.unit + ')', nameLocation: 'middle', nameGap: 46,
      axisLine: { onZero: false } },
    series,
  }, true);
  downloads.set(id, () => ({
    name: 'visits-' + def.analyte,
    header: ['protocol', 'arm', 'analyte', 'unit', 'visit', 'day', 'dayConvention', 'n', 'N', 'nMissing', 'median',
      'q1', 'q3', 'quantileType', 'mean', 'sd', 'min', 'max'],
    rows: rows.filter(v => arms.includes(v.arm)).map(v => [v.protocol, v.arm, v.analyte, v.unit, v.visit,
      visitOf(v.visit).day, protocol.dayConvention, v.n, v.n + v.nMissing, v.nMissing, v.median, v.q1, v.q3, type,
      v.mean, v.sd, v.min, v.max]),
  }));
  document.getElementById('visits-n-' + def.analyte).replaceChildren(visitTable(arms, visitNames, rows));
}

function visitTable(arms, visitNames, rows) {
  const head = el('tr', {}, el('th', {}, 'n/N'), ...visitNames.map(v => el('th', {}, visitLabel(v))));
  const body = arms.map(arm => el('tr', {}, el('td', {}, arm), ...visitNames.map(n => {
    const v = rows.find(r => r.arm === arm && r.visit === n);
    return el('td', {}, v ? v.n + '/' + (v.n + v.nMissing) : 'n/a');
  })));
  return el('table', { class: 'visit-n' }, el('thead', {}, head), el('tbody', {}, ...body));
}

// ---- cohort: Kaplan-Meier ------------------------------------------------------------------------------------

function riskStep() {
  const f = protocol.followUpDays;
  return f >= 21 ? 7 : f >= 10 ? 2 : 1;
}

function atRiskAt(curve, t) {
  if (t === 0) return curve.atRisk;
  const step = (curve.steps || []).find(s => s.days >= t);
  return step ? step.atRisk : 0;
}

function renderCurves(def, curves) {
  const id = 'km-' + def.analyte;
  const rows = curves.filter(c => c.stratumLabel === null && (protocol.arms.length === 0 || c.arm !== 'ALL'));
  const arms = armsOf(rows);
  const step = riskStep();
  const last = Math.ceil(Math.max(protocol.followUpDays, ...rows.flatMap(c => (c.steps || []).map(s => s.days)))
    / step) * step;
  const days = [];
  for (let d = 0; d <= last; d += step) days.push(d);
  const series = [];
  arms.forEach(arm => {
    const c = rows.find(r => r.arm === arm);
    const color = colorOf(arms, arm);
    const steps = c ? c.steps || [] : [];
    const line = c ? [[0, 1]].concat(steps.map(s => [s.days, s.survival])) : [];
    series.push({ name: arm, type: 'line', step: 'end', data: line, symbol: 'none', itemStyle: { color },
      lineStyle: { width: 2 } });
    series.push({ name: arm, type: 'scatter', symbol: 'rect', symbolSize: [2, 10], itemStyle: { color },
      data: steps.filter(s => s.censored > 0).map(s => [s.days, s.survival]), tooltip: { show: false } });
  });
  const c = chart(id);
  c.setOption({
    animation: false,
    title: { text: 'Time to normalization (Kaplan-Meier)', subtext: 'patients abnormal at baseline; | censored',
      textStyle: { fontSize: 12 }, subtextStyle: { fontSize: 10 } },
    tooltip: { trigger: 'item', formatter: p => p.seriesName + ': day ' + num(p.value[0]) + ', '
      + fmt(100 * p.value[1], 0) + '% not yet normalized' },
    legend: { data: arms, top: 34 },
    grid: { left: 70, right: 20, top: 70, bottom: 48 },
    xAxis: { type: 'value', name: 'Days since first infusion (anchor)', nameLocation: 'middle', nameGap: 28,
      min: 0, max: last, interval: step, splitLine: { show: false } },
    yAxis: { type: 'value', min: 0, max: 1, name: 'Not yet normalized (proportion)', nameLocation: 'middle',
      nameGap: 40 },
    series,
  }, true);
  const withTest = rows.find(r => r.logRank);
  const lr = withTest ? withTest.logRank : null;
  document.getElementById('logrank-' + def.analyte).textContent = lr
    ? 'Log-rank (' + lr.arms.join(' vs ') + '): chi-square ' + fmt(lr.chiSquare, 2) + ', df ' + lr.degreesOfFreedom
      + ', ' + fmtP(lr.pValue)
    : 'Log-rank p = n/a';
  riskRows.set(id, { days, arms, rows: arms.map(arm => {
    const curve = rows.find(r => r.arm === arm);
    return { arm, color: colorOf(arms, arm), counts: days.map(d => (curve ? atRiskAt(curve, d) : null)) };
  }) });
  placeRiskTable(id);
  const medians = arms.map(arm => {
    const r = rows.find(x => x.arm === arm);
    return el('tr', {}, el('td', {}, arm), el('td', {}, r ? String(r.atRisk) : 'n/a'),
      el('td', {}, r ? String(r.events) : 'n/a'), el('td', {}, r ? String(r.censored) : 'n/a'),
      el('td', {}, r ? fmt(r.medianDays) + ' [' + fmt(r.medianLower) + ', ' + fmt(r.medianUpper) + ']' : 'n/a'));
  });
  document.getElementById('medians-' + def.analyte).replaceChildren(
    el('table', { class: 'km-medians' },
      el('thead', {}, el('tr', {}, ...['Arm', 'at risk', 'events', 'censored', 'median days [95% CI]']
        .map(h => el('th', {}, h)))),
      el('tbody', {}, ...medians)));
  downloads.set(id, () => ({
    name: 'km-' + def.analyte,
    header: ['protocol', 'arm', 'analyte', 'days', 'atRisk', 'events', 'censored', 'survival', 'stdErr'],
    rows: rows.filter(r => arms.includes(r.arm)).flatMap(r => [[r.protocol, r.arm, r.analyte, 0, r.atRisk, 0, 0, 1, 0]]
      .concat((r.steps || []).map(s => [r.protocol, r.arm, r.analyte, s.days, s.atRisk, s.events, s.censored,
        s.survival, s.stdErr]))),
  }));
}

// The number at risk under the Kaplan-Meier x-axis: each count centred on its day's tick, placed from the chart's
// own coordinates so that it stays aligned whatever the width.
function placeRiskTable(id) {
  const table = riskRows.get(id);
  const c = charts.get(id);
  const box = document.getElementById('risk-' + id.substring(3));
  if (!table || !c || !box) return;
  const xs = table.days.map(d => c.convertToPixel({ xAxisIndex: 0 }, d));
  const head = el('div', { class: 'risk-row risk-head' }, el('span', { class: 'risk-label' }, 'Number at risk'));
  const lines = table.rows.map(r => el('div', { class: 'risk-row', 'data-arm': r.arm },
    el('span', { class: 'risk-label', style: 'color:' + r.color, title: r.arm }, r.arm),
    ...r.counts.map((n, k) => el('span', { class: 'risk-cell', 'data-day': String(table.days[k]),
      style: 'left:' + xs[k] + 'px' }, n === null ? '-' : String(n)))));
  box.replaceChildren(head, ...lines);
}

// ---- cohort cards --------------------------------------------------------------------------------------------

function analyteCard(def) {
  const a = def.analyte;
  return el('div', { class: 'analyte', id: 'analyte-' + a },
    el('h3', {}, a + ' - ' + def.name + ' (' + def.unit + ')'),
    el('div', { class: 'pair' },
      el('div', {}, el('div', { class: 'chart-head' }, downloadButtons('visits-' + a)),
        el('div', { class: 'chart', id: 'visits-' + a }), el('div', { id: 'visits-n-' + a })),
      el('div', {}, el('div', { class: 'chart-head' }, downloadButtons('km-' + a)),
        el('div', { class: 'chart', id: 'km-' + a }), el('div', { class: 'km-risk', id: 'risk-' + a }),
        el('div', { class: 'logrank', id: 'logrank-' + a }), el('div', { id: 'medians-' + a }))));
}

function hasData(visits, curves) {
  return visits.some(v => v.n > 0) || curves.some(c => c.atRisk > 0);
}

function dropChart(id) {
  const c = charts.get(id);
  if (c) c.dispose();
  charts.delete(id);
  downloads.delete(id);
  riskRows.delete(id);
}

async function refreshCohort() {
  const answers = await Promise.all(analytes.map(def => {
    const q = '?analyte=' + encodeURIComponent(def.analyte);
    return Promise.all([getJson('/api/cohort/visits' + q), getJson('/api/cohort/normalization' + q)]);
  }));
  const box = document.getElementById('analytes');
  const shown = [];
  const empty = [];
  analytes.forEach((def, k) => {
    const [visits, curves] = answers[k];
    const card = document.getElementById('analyte-' + def.analyte);
    if (!hasData(visits.visits, curves.curves)) {
      // No empty charts: an analyte without data is named below, not drawn.
      if (card) {
        dropChart('visits-' + def.analyte);
        dropChart('km-' + def.analyte);
        card.remove();
      }
      empty.push(def.analyte);
      return;
    }
    box.append(card || analyteCard(def)); // appended in the analytes' order
    shown.push([def, visits, curves]);
  });
  shown.forEach(([def, visits, curves]) => {
    renderVisits(def, visits.visits);
    renderCurves(def, curves.curves);
  });
  document.getElementById('no-data').textContent = empty.length > 0
    ? 'No data yet (not drawn): ' + empty.join(', ') : '';
}

// ---- patient view --------------------------------------------------------------------------------------------

// The calendar date and the fraction of the day of an instant in the site's time zone (study days are counted
// there).
function inZone(iso) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: protocol.timeZone, year: 'numeric', month: '2-digit',
    day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso));
  const p = Object.fromEntries(parts.map(x => [x.type, x.value]));
  return { date: Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day)),
    fraction: (Number(p.hour) * 60 + Number(p.minute)) / 1440 };
}

// Study day of an instant for a patient anchored at `anchor` (protocol's convention), with the time of day.
function studyDayOf(anchor, iso) {
  const a = inZone(anchor);
  const t = inZone(iso);
  const pdy = Math.round((t.date - a.date) / 864e5);
  return dayOfPdy(pdy) + t.fraction;
}

function limitLines(pts, def) {
  const withRange = pts.find(p => p.rangeLow !== null || p.rangeHigh !== null);
  let low = null;
  let high = null;
  if (withRange) {
    low = withRange.rangeLow;
    high = withRange.rangeHigh;
  } else if (def && def.intervals.length > 0) {
    low = def.intervals[0].low;
    high = def.intervals[0].high;
  }
  const unit = pts[0].unit || (def ? def.unit : '');
  const lines = [];
  if (low !== null) lines.push({ yAxis: low, name: 'lower limit ' + num(low) + ' ' + unit });
  if (high !== null) lines.push({ yAxis: high, name: 'upper limit ' + num(high) + ' ' + unit });
  return { low, high, unit, lines };
}

function ttnText(t) {
  if (!t) return 'Time to normalization: no record.';
  const parts = ['Time to normalization: ' + t.status];
  if (t.aval !== null) parts.push('aval ' + fmt(t.aval, 2) + ' days');
  if (t.cnsr !== null) parts.push('cnsr ' + t.cnsr);
  if (t.adt) parts.push((t.cnsr === 0 ? 'event ' : 'censored ') + t.adt.substring(0, 16).replace('T', ' ') + ' UTC');
  if (t.ady !== null) parts.push('ADY ' + t.ady);
  if (t.evntdesc) parts.push(t.evntdesc);
  if (t.provisional) parts.push('provisional (follow-up open)');
  return parts.join(', ');
}

function renderPatientLegend() {
  const items = ['HIGH', 'NORMAL', 'LOW'].map(k => el('li', { 'data-key': k },
    el('span', { class: 'swatch dot', style: 'background:' + INDICATOR[k].color }), 'reading ' + INDICATOR[k].label));
  items.push(el('li', { 'data-key': 'BASELINE' }, el('span', { class: 'swatch diamond' }), 'baseline reading'));
  items.push(el('li', { 'data-key': 'REFERENCE' }, el('span', { class: 'swatch band-ref' }),
    'reference interval, its limits as numbers (dashed)'));
  items.push(el('li', { 'data-key': 'WINDOW' }, el('span', { class: 'swatch band-window' }),
    'visit windows (BL = baseline window)'));
  items.push(el('li', { 'data-key': 'INFUSION' }, el('span', { class: 'swatch line-infusion' }), 'infusion'));
  document.getElementById('patient-legend').replaceChildren(el('ul', {}, ...items));
}

function renderPatient(summaries, infusions, ttn, points) {
  const box = document.getElementById('patient-charts');
  const byAnalyte = new Map();
  points.forEach(p => {
    if (!byAnalyte.has(p.analyte)) byAnalyte.set(p.analyte, []);
    byAnalyte.get(p.analyte).push(p);
  });
  const order = analytes.map(a => a.analyte).filter(a => byAnalyte.has(a))
    .concat([...byAnalyte.keys()].filter(a => !analytes.some(d => d.analyte === a)));
  const ids = order.map(a => 'patient-' + a);
  if (box.dataset.analytes !== ids.join(',')) {
    [...charts.keys()].filter(k => k.startsWith('patient-')).forEach(dropChart);
    box.replaceChildren(...order.map(a => el('div', { class: 'patient-card' },
      el('div', { class: 'chart-head' }, el('span', { class: 'limits', id: 'limits-' + a }),
        downloadButtons('patient-' + a)),
      el('div', { class: 'small-chart', id: 'patient-' + a }),
      el('p', { class: 'ttn', id: 'ttn-' + a }))));
    box.dataset.analytes = ids.join(',');
  }
  renderPatientLegend();
  const arm = summaries.length > 0 && summaries[0].arm ? summaries[0].arm : 'n/a';
  document.getElementById('patient-message').textContent = 'arm: ' + arm;
  const anchor = summaries.map(s => s.anchorAt).find(a => a) || (infusions.length > 0 ? infusions[0] : null);
  const first = Math.min(...points.map(p => Date.parse(p.observedAt)));
  const x = p => (anchor ? studyDayOf(anchor, p.observedAt) : (Date.parse(p.observedAt) - first) / 864e5);
  const infusionLines = anchor ? infusions.map((at, k) => ({ xAxis: studyDayOf(anchor, at),
    name: 'infusion ' + (k + 1), label: { formatter: 'infusion ' + (k + 1), position: 'insideEndTop' } })) : [];
  order.forEach(a => {
    const pts = byAnalyte.get(a);
    const def = analytes.find(d => d.analyte === a);
    const dataMax = Math.max(...pts.map(p => p.value));
    const limits = limitLines(pts, def);
    const refHigh = limits.high === null ? Math.max(dataMax * 1.1, (limits.low || 0) * 1.5) : limits.high;
    const xs = pts.map(x).concat(anchor ? protocol.visits.flatMap(v => [v.low, v.high + 1]) : []);
    const range = dayRange(Math.floor(Math.min(...xs)), Math.ceil(Math.max(...xs)));
    const series = [{
      name: 'trajectory', type: 'line', data: pts.map(p => [x(p), p.value]), symbol: 'none',
      lineStyle: { color: '#999' }, tooltip: { show: false },
      markArea: { silent: true, data: (anchor ? visitWindowAreas(false, range) : [])
        .concat(limits.low === null && limits.high === null ? [] : [[
          { yAxis: limits.low === null ? 0 : limits.low, itemStyle: { color: REFERENCE_FILL } },
          { yAxis: refHigh }]]) },
      markLine: { silent: true, symbol: 'none', data: [
        ...limits.lines.map(l => ({ yAxis: l.yAxis, name: l.name, lineStyle: { color: '#3a7d3a', type: 'dashed' },
          label: { formatter: l.name, position: 'insideEndTop', color: '#3a7d3a', fontSize: 10 } })),
        ...infusionLines.map(l => Object.assign({ lineStyle: { color: '#8c564b', type: 'solid', width: 1.5 } }, l)),
      ] },
    }];
    ['HIGH', 'NORMAL', 'LOW', 'NONE'].forEach(k => {
      const mine = pts.filter(p => (p.anrind || 'NONE') === k);
      if (mine.length === 0) return;
      series.push({ name: INDICATOR[k].label, type: 'scatter', itemStyle: { color: INDICATOR[k].color },
        data: mine.map(p => ({ value: [x(p), p.value], symbol: p.baselineFlag ? 'diamond' : 'circle',
          symbolSize: p.baselineFlag ? 11 : 7, point: p })) });
    });
    chart('patient-' + a).setOption({
      animation: false,
      title: { text: a + (def ? ' - ' + def.name : ''), textStyle: { fontSize: 12 } },
      tooltip: { trigger: 'item', formatter: p => {
        const r = p.data && p.data.point;
        return r ? r.observedAt.substring(0, 16).replace('T', ' ') + ' UTC, day ' + (ady() ? r.ady : r.pdy) + ': '
          + num(r.value) + ' ' + r.unit + ' (' + (r.anrind || 'no reference') + ')' : p.name;
      } },
      grid: { left: 62, right: 15, top: 32, bottom: 46 },
      xAxis: dayAxis(anchor ? dayAxisTitle() : 'Days since first reading (no infusion yet)', range),
      yAxis: { type: 'value', name: a + ' (' + limits.unit + ')', nameLocation: 'middle', nameGap: 46,
        axisLine: { onZero: false } },
      series,
    }, true);
    document.getElementById('limits-' + a).textContent = 'Reference: '
      + (limits.low === null && limits.high === null ? 'none'
        : (limits.low === null ? '' : 'lower ' + num(limits.low) + ' ') + (limits.high === null ? ''
          : 'upper ' + num(limits.high) + ' ') + limits.unit);
    document.getElementById('ttn-' + a).textContent = ttnText(ttn.find(t => t.analyte === a));
    downloads.set('patient-' + a, () => ({
      name: 'patient-' + a,
      header: ['analyte', 'readingId', 'observedAt', 'ady', 'pdy', 'hoursSinceAnchor', 'value', 'unit', 'anrind',
        'rangeLow', 'rangeHigh', 'baselineFlag', 'chg', 'pchg'],
      rows: pts.map(p => [p.analyte, p.readingId, p.observedAt, p.ady, p.pdy, p.hoursSinceAnchor, p.value, p.unit,
        p.anrind, p.rangeLow, p.rangeHigh, p.baselineFlag, p.chg, p.pchg]),
    }));
  });
}

async function refreshPatient() {
  if (!patientId) return;
  const base = '/api/patients/' + encodeURIComponent(patientId);
  try {
    const [summary, ttn, trajectory] = await Promise.all([getJson(base + '/summary'),
      getJson(base + '/time-to-normalization'), getJson(base + '/trajectory')]);
    renderPatient(summary.summaries, summary.infusions || [], ttn.timeToNormalization, trajectory.points);
  } catch (e) {
    document.getElementById('patient-message').textContent =
      e.status === 404 ? 'No data for this patient.' : e.status === 503 ? 'Not available right now; retrying.' : 'Error.';
    if (e.status === 404) {
      document.getElementById('patient-charts').replaceChildren();
      document.getElementById('patient-charts').dataset.analytes = '';
      document.getElementById('patient-legend').replaceChildren();
    }
  }
}

async function refresh() {
  try {
    await Promise.all([refreshCohort(), refreshPatient()]);
    document.getElementById('status').textContent = 'updated ' + new Date().toLocaleTimeString();
    document.body.dataset.rendered = String(Number(document.body.dataset.rendered || 0) + 1);
  } catch (e) {
    document.getElementById('status').textContent = 'waiting for data (' + (e.status || e.message) + ')';
  }
}

async function start() {
  try {
    await Login.init();
  } catch (e) {
    document.getElementById('status').textContent = 'login failed: ' + e.message;
    return;
  }
  for (;;) {
    try {
      analytes = (await getJson('/api/analytes')).analytes.filter(a => a.role === 'PRIMARY');
      protocol = await getJson('/api/protocol');
      break;
    } catch (e) {
      await new Promise(r => setTimeout(r, 1000));
    }
  }
  renderStudy();
  const form = document.getElementById('patient-form');
  const input = document.getElementById('patient-id');
  // The patient id stays in the fragment: never sent to a server, never in a Referer or an access log.
  const fromUrl = new URLSearchParams(location.hash.replace(/^#/, '')).get('patient');
  if (fromUrl) {
    input.value = fromUrl;
    patientId = fromUrl;
  }
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    patientId = input.value.trim() || null;
    history.replaceState(null, '', location.pathname + (patientId ? '#patient=' + encodeURIComponent(patientId) : ''));
    refreshPatient();
  });
  window.addEventListener('resize', () => {
    charts.forEach(c => c.resize());
    riskRows.forEach((t, id) => placeRiskTable(id));
  });
  await refresh();
  setInterval(refresh, POLL_MS);
}

start();
