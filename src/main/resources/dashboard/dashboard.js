// The dashboard: cohort charts per analyte and a patient view, polled from the JSON API.
'use strict';

const POLL_MS = 5000;
const RISK_DAYS = [0, 7, 14, 21, 28];
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const charts = new Map(); // element id -> echarts instance
let analytes = [];
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

function dayOf(visit, fallback) {
  if (visit === 'BASELINE') return 0;
  const m = /^D(-?\d+)$/.exec(visit);
  return m ? Number(m[1]) : fallback;
}

function armsOf(records) {
  const arms = [...new Set(records.filter(r => r.stratumLabel === null).map(r => r.arm))].sort();
  const specific = arms.filter(a => a !== 'ALL');
  return specific.length > 0 ? specific : arms;
}

function colorOf(arms, arm) {
  return COLORS[arms.indexOf(arm) % COLORS.length];
}

// Reference intervals as [low, high] bands with labels; open ends closed at the data's range.
function referenceAreas(def, dataMax) {
  if (!def) return [];
  return def.intervals.map((i, k) => {
    const low = i.low === null ? 0 : i.low;
    const high = i.high === null ? Math.max(low * 1.5, dataMax * 1.1, low + 1) : i.high;
    const label = (i.assayType ? i.assayType + ' ' : '') + 'ref ' + i.text;
    // Two intervals (D-dimer FEU and DDU) overlap: their labels go to opposite corners.
    return [{ yAxis: low, name: label, label: { position: k === 0 ? 'insideTopRight' : 'insideTopLeft' } },
      { yAxis: high }];
  });
}

function renderVisits(def, visits) {
  const id = 'visits-' + def.analyte;
  const rows = visits.filter(v => v.stratumLabel === null);
  const arms = armsOf(rows);
  const visitNames = [...new Set(rows.map(v => v.visit))];
  visitNames.sort((a, b) => dayOf(a, 999) - dayOf(b, 999));
  const labels = visitNames.map(v => (v === 'BASELINE' ? 'BL (day 0)' : v));
  const dataMax = Math.max(0, ...rows.map(v => (v.q3 === null ? 0 : v.q3)));
  const series = [];
  arms.forEach((arm, k) => {
    const color = colorOf(arms, arm);
    const byVisit = new Map(rows.filter(v => v.arm === arm).map(v => [v.visit, v]));
    const cell = (f) => visitNames.map(n => {
      const v = byVisit.get(n);
      return v && f(v) !== null && f(v) !== undefined ? f(v) : '-';
    });
    series.push({ name: arm, type: 'line', stack: 'iqr-' + arm, data: cell(v => v.q1), symbol: 'none',
      lineStyle: { opacity: 0 }, itemStyle: { color }, tooltip: { show: false } });
    series.push({ name: arm, type: 'line', stack: 'iqr-' + arm,
      data: cell(v => (v.q1 === null || v.q3 === null ? null : v.q3 - v.q1)), symbol: 'none',
      lineStyle: { opacity: 0 }, areaStyle: { color, opacity: 0.18 }, itemStyle: { color }, tooltip: { show: false } });
    const median = { name: arm, type: 'line', data: cell(v => v.median), symbolSize: 7,
      itemStyle: { color }, lineStyle: { width: 2 } };
    if (k === 0) {
      median.markArea = { silent: true, itemStyle: { color: 'rgba(60,160,60,0.10)' },
        label: { position: 'insideTopRight', color: '#3a7d3a', fontSize: 10 }, data: referenceAreas(def, dataMax) };
    }
    series.push(median);
  });
  chart(id).setOption({
    animation: false,
    title: { text: 'Median (IQR) by visit, ' + def.unit, textStyle: { fontSize: 12 } },
    tooltip: { trigger: 'axis' },
    legend: { data: arms, top: 20 },
    grid: { left: 55, right: 20, top: 55, bottom: 30 },
    xAxis: { type: 'category', data: labels, boundaryGap: false },
    yAxis: { type: 'value', scale: false },
    series,
  }, true);
  const n = document.getElementById('visits-n-' + def.analyte);
  n.replaceChildren(visitTable(arms, visitNames, rows));
}

function visitTable(arms, visitNames, rows) {
  const head = el('tr', {}, el('th', {}, 'N (missing)'), ...visitNames.map(v => el('th', {}, v)));
  const body = arms.map(arm => el('tr', {}, el('td', {}, arm), ...visitNames.map(n => {
    const v = rows.find(r => r.arm === arm && r.visit === n);
    return el('td', {}, v ? v.n + ' (' + v.nMissing + ')' : 'n/a');
  })));
  return el('table', { class: 'visit-n' }, el('thead', {}, head), el('tbody', {}, ...body));
}

function atRiskAt(curve, t) {
  if (t === 0) return curve.atRisk;
  const step = (curve.steps || []).find(s => s.days >= t);
  return step ? step.atRisk : 0;
}

function renderCurves(def, curves) {
  const id = 'km-' + def.analyte;
  const rows = curves.filter(c => c.stratumLabel === null);
  const arms = armsOf(rows);
  const series = [];
  arms.forEach(arm => {
    const c = rows.find(r => r.arm === arm);
    if (!c) return;
    const color = colorOf(arms, arm);
    const steps = c.steps || [];
    const line = [[0, 1]].concat(steps.map(s => [s.days, s.survival]));
    series.push({ name: arm, type: 'line', step: 'end', data: line, symbol: 'none', itemStyle: { color },
      lineStyle: { width: 2 } });
    series.push({ name: arm, type: 'scatter', symbol: 'rect', symbolSize: [2, 10], itemStyle: { color },
      data: steps.filter(s => s.censored > 0).map(s => [s.days, s.survival]), tooltip: { show: false } });
  });
  chart(id).setOption({
    animation: false,
    title: { text: 'Time to normalization (Kaplan-Meier)', textStyle: { fontSize: 12 } },
    tooltip: { trigger: 'item' },
    legend: { data: arms, top: 20 },
    grid: { left: 45, right: 20, top: 55, bottom: 35 },
    xAxis: { type: 'value', name: 'days', nameLocation: 'middle', nameGap: 22, min: 0 },
    yAxis: { type: 'value', min: 0, max: 1, name: 'not normalized' },
    series,
  }, true);
  const withTest = rows.find(c => c.logRank);
  const lr = withTest ? withTest.logRank : null;
  document.getElementById('logrank-' + def.analyte).textContent = lr
    ? 'Log-rank (' + lr.arms.join(' vs ') + '): chi-square ' + fmt(lr.chiSquare, 2) + ', df ' + lr.degreesOfFreedom
      + ', ' + fmtP(lr.pValue)
    : 'Log-rank p = n/a';
  const head = el('tr', {}, el('th', {}, 'Number at risk'), ...RISK_DAYS.map(d => el('th', {}, 'day ' + d)));
  const body = arms.map(arm => {
    const c = rows.find(r => r.arm === arm);
    return el('tr', {}, el('td', {}, arm), ...RISK_DAYS.map(d => el('td', {}, c ? String(atRiskAt(c, d)) : 'n/a')));
  });
  const medians = arms.map(arm => {
    const c = rows.find(r => r.arm === arm);
    return el('tr', {}, el('td', {}, arm), el('td', {}, c ? String(c.atRisk) : 'n/a'),
      el('td', {}, c ? String(c.events) : 'n/a'), el('td', {}, c ? String(c.censored) : 'n/a'),
      el('td', {}, c ? fmt(c.medianDays) + ' [' + fmt(c.medianLower) + ', ' + fmt(c.medianUpper) + ']' : 'n/a'));
  });
  document.getElementById('risk-' + def.analyte).replaceChildren(
    el('table', { class: 'km-risk-table' }, el('thead', {}, head), el('tbody', {}, ...body)),
    el('table', { class: 'km-medians' },
      el('thead', {}, el('tr', {}, ...['Arm', 'at risk', 'events', 'censored', 'median days [95% CI]'].map(h => el('th', {}, h)))),
      el('tbody', {}, ...medians)));
}

function analyteCard(def) {
  const a = def.analyte;
  return el('div', { class: 'analyte', id: 'analyte-' + a },
    el('h3', {}, a + ' - ' + def.name + ' (' + def.unit + ')'),
    el('div', { class: 'pair' },
      el('div', {}, el('div', { class: 'chart', id: 'visits-' + a }), el('div', { id: 'visits-n-' + a })),
      el('div', {}, el('div', { class: 'chart', id: 'km-' + a }),
        el('div', { class: 'logrank', id: 'logrank-' + a }), el('div', { id: 'risk-' + a }))));
}

async function refreshCohort() {
  for (const def of analytes) {
    const q = '?analyte=' + encodeURIComponent(def.analyte);
    const [visits, curves] = await Promise.all([
      getJson('/api/cohort/visits' + q), getJson('/api/cohort/normalization' + q)]);
    renderVisits(def, visits.visits);
    renderCurves(def, curves.curves);
  }
}

function renderPatient(summaries, points) {
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
    box.replaceChildren(...order.map(a => el('div', {}, el('div', { class: 'small-chart', id: 'patient-' + a }))));
    box.dataset.analytes = ids.join(',');
  }
  const arm = summaries.length > 0 && summaries[0].arm ? summaries[0].arm : 'n/a';
  document.getElementById('patient-message').textContent = 'arm: ' + arm;
  const first = Math.min(...points.map(p => Date.parse(p.observedAt)));
  order.forEach(a => {
    const pts = byAnalyte.get(a);
    const x = p => (p.hoursSinceAnchor !== null ? p.hoursSinceAnchor / 24 : (Date.parse(p.observedAt) - first) / 864e5);
    const dataMax = Math.max(...pts.map(p => p.value));
    const withRange = pts.find(p => p.rangeLow !== null || p.rangeHigh !== null);
    const def = analytes.find(d => d.analyte === a);
    const area = withRange
      ? [[{ yAxis: withRange.rangeLow === null ? 0 : withRange.rangeLow, name: 'reference' },
          { yAxis: withRange.rangeHigh === null ? Math.max(dataMax * 1.1, withRange.rangeLow * 1.5) : withRange.rangeHigh }]]
      : referenceAreas(def, dataMax);
    const color = p => (p.anrind === 'HIGH' ? '#d62728' : p.anrind === 'LOW' ? '#1f77b4' : '#2ca02c');
    chart('patient-' + a).setOption({
      animation: false,
      title: { text: a + ' (' + (pts[0].unit || '') + ')', textStyle: { fontSize: 12 } },
      tooltip: { trigger: 'item' },
      grid: { left: 50, right: 15, top: 30, bottom: 30 },
      xAxis: { type: 'value', name: 'day', nameLocation: 'middle', nameGap: 20 },
      yAxis: { type: 'value' },
      series: [{
        name: a, type: 'line', data: pts.map(p => ({ value: [x(p), p.value], itemStyle: { color: color(p) } })),
        symbolSize: 7, lineStyle: { color: '#888' },
        markArea: { silent: true, itemStyle: { color: 'rgba(60,160,60,0.12)' }, data: area },
      }],
    }, true);
  });
}

async function refreshPatient() {
  if (!patientId) return;
  const base = '/api/patients/' + encodeURIComponent(patientId);
  try {
    const [summary, trajectory] = await Promise.all([getJson(base + '/summary'), getJson(base + '/trajectory')]);
    renderPatient(summary.summaries, trajectory.points);
  } catch (e) {
    document.getElementById('patient-message').textContent =
      e.status === 404 ? 'No data for this patient.' : e.status === 503 ? 'Not available right now; retrying.' : 'Error.';
    if (e.status === 404) {
      document.getElementById('patient-charts').replaceChildren();
      document.getElementById('patient-charts').dataset.analytes = '';
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
      break;
    } catch (e) {
      await new Promise(r => setTimeout(r, 1000));
    }
  }
  document.getElementById('analytes').replaceChildren(...analytes.map(analyteCard));
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
  window.addEventListener('resize', () => charts.forEach(c => c.resize()));
  await refresh();
  setInterval(refresh, POLL_MS);
}

start();
