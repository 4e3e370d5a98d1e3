// ccsim playground: the page only animates what the server's engine computed.
// The server plays a setting's day (POST /api/play) and sends its timeline; this
// script moves a clock over it and draws the floor and the figures at each moment.
"use strict";

const COLOURS = { busy: "#1f77b4", idle: "#2ca02c", on_break: "#ff9f1c", away: "#c8c8c8",
                  wait: "#d62728" };
const MAX_DOTS = 24;      // callers drawn per queue; more are shown as "+N"
const PER_ROW = 18;       // agent cells per row

const state = {
  lang: new URLSearchParams(location.search).get("lang") === "zh" ? "zh" : "en",
  words: null,
  lessons: [],
  lesson: null,
  sides: [{ values: null, data: null, seq: 0 }, { values: null, data: null, seq: 0 }],
  t: null,          // the clock, seconds since midnight
  playing: true,
  speed: 600,       // simulated seconds per real second
  last: null,
};
window.ccsimPlayground = state;   // for the browser tests

const $ = (id) => document.getElementById(id);

function w(key, fields) {
  const table = state.words[state.lang];
  let text = table["play." + key] ?? table[key] ?? key;
  for (const [k, v] of Object.entries(fields || {})) text = text.replace("{" + k + "}", v);
  return text;
}

function esc(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

async function getJSON(url, body) {
  const response = await fetch(url, body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function clock(t) {
  const m = Math.floor(t / 60);
  return String(Math.floor(m / 60) % 24).padStart(2, "0") + ":" + String(m % 60).padStart(2, "0");
}

// --- sliders ------------------------------------------------------------------------

function leverId(side, lever, i) {
  return `lever-${side}-${lever.key}` + (lever.key === "agents" ? `-${i}` : "");
}

function defaultValues(lesson) {
  const values = { agents: [] };
  for (const lever of lesson.levers) {
    if (lever.key === "agents") values.agents.push(lever.value);
    else values[lever.key] = lever.value;
  }
  return values;
}

function shown(lever, value) {
  const s = w("unit_s");
  switch (lever.unit) {
    case "per_hour": return `${value} ${w("unit_per_hour")}`;
    case "agents": return `${value} ${w("unit_agents")}`;
    case "share": return `${Math.round(value * 100)} %`;
    case "bool": return value ? w("yes") : w("no");
    default:
      if (lever.key === "patience_s" && value >= lever.high) return w("never");
      return value >= 120 && value % 60 === 0 ? `${value} ${s} (${value / 60} ${w("unit_min")})` : `${value} ${s}`;
  }
}

function leverLabel(lever) {
  return lever.key === "agents" ? w("agents", { group: lever.group }) : w(lever.key);
}

function buildLevers(side) {
  const box = $(`levers-${side}`);
  const values = state.sides[side].values;
  let agent = 0;
  box.innerHTML = "";
  for (const lever of state.lesson.levers) {
    const i = lever.key === "agents" ? agent++ : 0;
    const id = leverId(side, lever, i);
    const value = lever.key === "agents" ? values.agents[i] : values[lever.key];
    const div = document.createElement("div");
    if (lever.unit === "bool") {
      div.className = "lever checkbox";
      div.innerHTML = `<input type="checkbox" id="${id}" ${value ? "checked" : ""}>` +
        `<label for="${id}">${esc(leverLabel(lever))}</label>`;
    } else {
      div.className = "lever";
      div.innerHTML = `<div class="row"><label for="${id}">${esc(leverLabel(lever))}</label>` +
        `<output id="${id}-out" for="${id}">${esc(shown(lever, value))}</output></div>` +
        `<input type="range" id="${id}" min="${lever.low}" max="${lever.high}" ` +
        `step="${lever.step}" value="${value}">`;
    }
    box.appendChild(div);
    const input = div.querySelector("input");
    const read = () => (lever.unit === "bool" ? (input.checked ? 1 : 0) : Number(input.value));
    input.addEventListener("input", () => {
      const out = $(`${id}-out`);
      if (out) out.textContent = shown(lever, read());
    });
    input.addEventListener("change", () => {
      if (lever.key === "agents") values.agents[i] = read();
      else values[lever.key] = read();
      play(side);
    });
  }
}

function request(side) {
  const values = state.sides[side].values;
  const levers = {};
  const groups = state.lesson.levers.filter((lv) => lv.key === "agents").map((lv) => lv.group);
  for (const [key, value] of Object.entries(values)) {
    if (key === "agents") levers.agents = Object.fromEntries(groups.map((g, i) => [g, value[i]]));
    else if (key === "pooled") levers.pooled = Boolean(value);
    else levers[key] = value;
  }
  return { scenario: state.lesson.key, lang: state.lang, levers };
}

// --- playing a setting --------------------------------------------------------------

async function play(side) {
  const s = state.sides[side];
  const seq = ++s.seq;
  const started = performance.now();
  $(`status-${side}`).textContent = w("computing");
  $(`status-${side}`).classList.remove("error");
  try {
    const data = await getJSON("/api/play", request(side));
    if (seq !== s.seq) return;   // a newer setting is on its way
    s.data = data;
    s.version = (s.version || 0) + 1;
    if (state.t === null || state.t < data.times[0] || state.t > data.times.at(-1)) {
      state.t = data.times[0];
    }
    draw();
    const seconds = (performance.now() - started) / 1000;
    const status = $(`status-${side}`);
    status.textContent = w("updated", { s: seconds.toFixed(2) });
    status.dataset.seconds = seconds.toFixed(3);
    status.dataset.seq = String(seq);
    $("note").textContent = w("same_callers", { seed: data.seed });
  } catch (err) {
    if (seq !== s.seq) return;
    $(`status-${side}`).textContent = w("error", { error: err.message });
    $(`status-${side}`).classList.add("error");
  }
}

// --- drawing ------------------------------------------------------------------------

function frameIndex(data) {
  const step = data.times[1] - data.times[0];
  return Math.max(0, Math.min(data.times.length - 1, Math.round((state.t - data.times[0]) / step)));
}

function pct(x, bare) {
  if (x === null || x === undefined) return "–";
  return bare ? (100 * x).toFixed(0) : `${(100 * x).toFixed(0)} %`;
}
function secs(x, bare) {
  if (x === null || x === undefined) return "–";
  return bare ? x.toFixed(0) : `${x.toFixed(0)} ${w("unit_s")}`;
}

function kpiTile(key, name, now, day, avg, format, good) {
  // "74 ± 2 %": the mean of the days and the half-width of its 95 % interval.
  const unit = format(0).replace(/^0\s*/, "");
  const half = avg.ci95 ? ` ± ${format((avg.ci95[1] - avg.ci95[0]) / 2, true)}` : "";
  const average = avg.mean === null ? "–" : `${format(avg.mean, true)}${half} ${unit}`;
  const verdict = good === null ? "" : good ? "good" : "bad";
  return `<div class="kpi" id="kpi-${key}"><div class="name">${esc(name)}</div>` +
    `<div class="value ${verdict}" data-value="${now ?? ""}">${format(now)}</div>` +
    `<div class="more">${esc(w("whole_day"))} <b data-day="${day ?? ""}">${format(day)}</b></div>` +
    `<div class="more" title="${esc(w("average_help", { n: state.sides[0].data?.days ?? "" }))}">` +
    `${esc(w("average", { n: state.sides[0].data?.days ?? "" }))} ` +
    `<span data-average="${avg.mean ?? ""}">${average}</span></div></div>`;
}

function drawKpis(side, data, i) {
  const sl = data.sl[i];
  const tiles = [
    ["sl", w("sl") + ` ${Math.round(data.sl_threshold_s)} ${w("unit_s")}`, sl, data.day.service_level,
      data.average.service_level, pct, sl === null ? null : sl >= data.sl_target],
    ["asa", w("asa"), data.asa[i], data.day.asa_s, data.average.asa_s, secs, null],
    ["abandon", w("abandon"), data.abandon[i], data.day.abandon_rate, data.average.abandon_rate, pct, null],
    ["occupancy", w("occupancy"), data.occupancy[i], data.day.occupancy, data.average.occupancy, pct, null],
  ];
  $(`kpis-${side}`).innerHTML = tiles.map((t) => kpiTile(`${t[0]}-${side}`, ...t.slice(1))).join("");
}

function drawFloor(side, data, i) {
  const parts = [];
  let y = 10;
  const types = data.call_types;
  parts.push(`<text x="10" y="${y + 16}" font-size="18" font-weight="bold">${esc(w("waiting"))}</text>`);
  parts.push(`<text x="610" y="${y + 16}" font-size="18" text-anchor="end" font-weight="bold">${esc(w("abandoned"))}</text>`);
  y += 28;
  types.forEach((name, k) => {
    const n = data.waiting[i][k];
    parts.push(`<text x="10" y="${y + 15}" font-size="17">${esc(name)}</text>`);
    for (let d = 0; d < Math.min(n, MAX_DOTS); d++) {
      parts.push(`<circle cx="${170 + d * 15}" cy="${y + 9}" r="6" fill="${COLOURS.wait}"/>`);
    }
    const extra = n > MAX_DOTS ? ` +${n - MAX_DOTS}` : "";
    parts.push(`<text x="${170 + Math.min(n, MAX_DOTS) * 15 + 4}" y="${y + 15}" font-size="17" ` +
      `class="waiting-count" data-n="${n}">${n}${extra ? " (" + extra.trim() + ")" : ""}</text>`);
    parts.push(`<text x="610" y="${y + 15}" font-size="17" text-anchor="end" class="abandoned-count">` +
      `${data.abandoned[i][k]}</text>`);
    y += 26;
  });
  y += 8;
  parts.push(`<text x="10" y="${y + 16}" font-size="18" font-weight="bold">${esc(w("agents_title"))}</text>`);
  y += 26;
  data.agent_groups.forEach((name, g) => {
    const counts = [["busy", data.busy[i][g]], ["idle", data.idle[i][g]],
                    ["on_break", data.on_break[i][g]], ["away", data.away[i][g]]];
    parts.push(`<text x="10" y="${y + 17}" font-size="17">${esc(name)}</text>`);
    let c = 0;
    for (const [kind, n] of counts) {
      for (let a = 0; a < n; a++, c++) {
        const x = 170 + (c % PER_ROW) * 24, yy = y + Math.floor(c / PER_ROW) * 24;
        parts.push(`<rect x="${x}" y="${yy}" width="20" height="20" rx="3" fill="${COLOURS[kind]}"/>`);
      }
    }
    y += Math.max(1, Math.ceil(c / PER_ROW)) * 24 + 6;
  });
  y += 4;
  let x = 10;
  for (const kind of ["busy", "idle", "on_break", "away"]) {
    parts.push(`<rect x="${x}" y="${y}" width="16" height="16" rx="3" fill="${COLOURS[kind]}"/>`);
    const label = w(kind);
    parts.push(`<text x="${x + 22}" y="${y + 14}" font-size="16">${esc(label)}</text>`);
    x += 40 + label.length * (state.lang === "zh" ? 17 : 10);
  }
  const svg = $(`floor-${side}`);
  svg.setAttribute("viewBox", `0 0 620 ${y + 24}`);
  svg.innerHTML = parts.join("");
}

function draw() {
  const data0 = state.sides[0].data || state.sides[1].data;
  if (!data0 || state.t === null) return;
  $("clock").textContent = clock(state.t);
  $("clock").dataset.t = String(state.t);
  const span = data0.times.at(-1) - data0.times[0];
  $("time").value = String(Math.round(1000 * (state.t - data0.times[0]) / span));
  state.sides.forEach((s, side) => {
    if (!s.data) return;
    const i = frameIndex(s.data);
    const key = `${i} ${s.version} ${state.lang}`;
    if (s.drawn === key) return;   // the same frame of the same day: nothing to redraw
    s.drawn = key;
    drawKpis(side, s.data, i);
    drawFloor(side, s.data, i);
  });
}

function tick(now) {
  const data = state.sides[0].data;
  if (state.playing && data && state.last !== null) {
    state.t = Math.min(data.times.at(-1), state.t + ((now - state.last) / 1000) * state.speed);
    if (state.t >= data.times.at(-1)) setPlaying(false);
    draw();
  }
  state.last = now;
  requestAnimationFrame(tick);
}

function setPlaying(on) {
  state.playing = on;
  $("play").textContent = on ? w("pause") : w("play");
}

// --- words, lessons, language ------------------------------------------------------

function applyWords() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  document.title = w("title");
  $("title").textContent = w("title");
  $("lesson-label").textContent = w("lesson");
  $("lang").textContent = w("language");
  $("lang").lang = state.lang === "zh" ? "en" : "zh";
  $("restart").textContent = w("restart");
  $("speed-label").textContent = w("speed");
  $("clock-label").textContent = w("clock");
  $("copy").textContent = w("copy");
  for (const option of $("speed").options) {
    option.textContent = w("speed_value", { n: Number(option.value) / 60 });
  }
  setPlaying(state.playing);
  document.querySelectorAll(".side-title").forEach((el, side) => {
    el.textContent = w(side === 0 ? "setting_a" : "setting_b");
  });
}

async function loadLessons(keep) {
  state.lessons = await getJSON(`/api/scenarios?lang=${state.lang}`);
  const select = $("lesson");
  select.innerHTML = state.lessons.map((l) => `<option value="${esc(l.key)}">${esc(l.title)}</option>`).join("");
  const wanted = keep || new URLSearchParams(location.search).get("lesson") || state.lessons[0].key;
  select.value = state.lessons.some((l) => l.key === wanted) ? wanted : state.lessons[0].key;
  state.lesson = state.lessons.find((l) => l.key === select.value);
}

function startLesson() {
  const a = defaultValues(state.lesson);
  const b = structuredClone(a);
  if (b.agents.length) b.agents[0] = Math.max(1, b.agents[0] - 1);   // "one agent less"
  state.sides[0].values = a;
  state.sides[1].values = b;
  state.t = null;
  rebuild();
}

function rebuild() {
  buildLevers(0);
  buildLevers(1);
  play(0);
  play(1);
}

async function switchLanguage() {
  state.lang = state.lang === "zh" ? "en" : "zh";
  const url = new URL(location.href);
  if (state.lang === "zh") url.searchParams.set("lang", "zh");
  else url.searchParams.delete("lang");
  history.replaceState(null, "", url);
  applyWords();
  await loadLessons(state.lesson.key);
  rebuild();   // same slider values, the lesson's names in the new language
}

async function main() {
  // The Chinese font first: text laid out before it arrives can stay drawn as boxes.
  await document.fonts.load('20px "ccsim CJK"', "中文").catch(() => null);
  state.words = await getJSON("/api/words");
  applyWords();
  await loadLessons();
  $("lesson").addEventListener("change", () => {
    state.lesson = state.lessons.find((l) => l.key === $("lesson").value);
    startLesson();
  });
  $("lang").addEventListener("click", switchLanguage);
  $("play").addEventListener("click", () => setPlaying(!state.playing));
  $("restart").addEventListener("click", () => {
    const data = state.sides[0].data;
    if (data) state.t = data.times[0];
    setPlaying(true);
    draw();
  });
  $("speed").addEventListener("change", () => { state.speed = Number($("speed").value); });
  $("time").addEventListener("input", () => {
    const data = state.sides[0].data;
    if (!data) return;
    state.t = data.times[0] + (Number($("time").value) / 1000) * (data.times.at(-1) - data.times[0]);
    draw();
  });
  $("copy").addEventListener("click", () => {
    state.sides[1].values = structuredClone(state.sides[0].values);
    buildLevers(1);
    play(1);
  });
  startLesson();
  requestAnimationFrame(tick);
}

main();
