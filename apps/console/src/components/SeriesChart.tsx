import { useEffect, useRef, type KeyboardEvent } from 'react';
import { BarChart, LineChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { SeriesBucket } from '@contracts';
import { bucketLabel, formatNumber, localWallTime } from '../format/format';

// Only what the charts use: line and bar series, axes, tooltip, legend and zoom, drawn on a canvas.
echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, CanvasRenderer]);

export interface ChartMetric {
  readonly key: string;
  readonly label: string;
  /** `step`: a quantity that holds until it changes (purchased, available); `bar`: counts per bucket. */
  readonly style: 'line' | 'step' | 'bar';
}

export interface ChartSeries {
  /** The series' name in the legend when there are several (groupBy=org); null for one scope. */
  readonly name: string | null;
  /** Buckets of any report: the metrics are read by name. */
  readonly buckets: readonly SeriesBucket<object>[];
}

interface Props {
  readonly series: readonly ChartSeries[];
  readonly metrics: readonly ChartMetric[];
  readonly interval: string;
  readonly timezone: string;
  /** A bucket was clicked (or chosen with Enter): its index, and the metric clicked when a point was hit. */
  readonly onSelect?: (index: number, metric: string | null, seriesName: string | null) => void;
  readonly label: string;
}

/**
 * From this many buckets on, bars are drawn as one shape per series (ECharts' large mode) and
 * points are not marked: an hour × 31 days chart has 744 buckets per series.
 */
const MANY_BUCKETS = 200;

const COLORS = ['#1f5fbf', '#e07b00', '#2a9d3f', '#c0392b', '#7b4fbf', '#0f8c8c', '#b5651d', '#5d6d7e'];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A bucket series as an ECharts chart: a tooltip per bucket with its local start and end and every
 * metric, zoom with the wheel, drag or the slider; keyboard: ←/→ (Home/End) move between buckets,
 * Enter explains the bucket. `data-rendered` is set once the chart has drawn its data (and
 * `data-rendered-at`, the time since navigation began).
 */
export function SeriesChart({ series, metrics, interval, timezone, onSelect, label }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const focused = useRef(-1);
  const select = useRef(onSelect);
  select.current = onSelect;
  const buckets = series[0]?.buckets ?? [];
  const multi = series.length > 1 || series[0]?.name !== null;

  useEffect(() => {
    const element = host.current!;
    const instance = echarts.init(element, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(element);
    instance.on('click', (params) => {
      const seriesIndex = params.seriesIndex ?? 0;
      const [metric, name] = String(params.seriesId ?? '').split('\u0000');
      select.current?.(params.dataIndex, metric ?? null, seriesIndex >= 0 && name ? name : null);
    });
    instance.getZr().on('click', (event) => {
      if (event.target) return; // a point or a bar: the series click above answers
      const point = [event.offsetX, event.offsetY];
      if (!instance.containPixel({ gridIndex: 0 }, point)) return;
      const [index] = instance.convertFromPixel({ gridIndex: 0 }, point) as number[];
      if (index !== undefined && index >= 0) select.current?.(Math.round(index), null, null);
    });
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const instance = chart.current!;
    const element = host.current!;
    element.dataset.rendered = 'false';
    // Listening before setOption: an update of a drawn chart renders (and finishes) within setOption itself.
    const done = () => {
      instance.off('finished', done);
      element.dataset.rendered = 'true';
      // Milliseconds since the page's navigation started: what the benchmark reads.
      element.dataset.renderedAt = String(Math.round(performance.now()));
    };
    instance.on('finished', done);
    const labels = buckets.map((b) => bucketLabel(b.start, interval));
    const zoom = buckets.length > 40;
    const many = buckets.length >= MANY_BUCKETS;
    instance.setOption(
      {
        animation: false,
        color: COLORS,
        grid: { left: 56, right: 24, top: 48, bottom: zoom ? 72 : 40 },
        legend: { top: 8, type: 'scroll' },
        tooltip: {
          trigger: 'axis',
          confine: true,
          axisPointer: { type: 'shadow' },
          className: 'chart-tooltip',
          formatter: (raw: unknown) => {
            const items = (Array.isArray(raw) ? raw : [raw]) as { dataIndex: number; seriesName: string; value: number; marker: string }[];
            const index = items[0]?.dataIndex ?? 0;
            const bucket = buckets[index];
            if (!bucket) return '';
            const rows = items
              .map(
                (item) =>
                  `<tr><td>${item.marker}${escapeHtml(item.seriesName)}</td><td class="num" data-metric="${escapeHtml(item.seriesName)}">${formatNumber(item.value)}</td></tr>`,
              )
              .join('');
            return (
              `<div data-testid="chart-tooltip"><div class="tip-range">${localWallTime(bucket.start)} → ${localWallTime(bucket.end)} <small>${escapeHtml(timezone)}</small></div>` +
              `<table>${rows}</table><div class="tip-hint">Click to explain</div></div>`
            );
          },
        },
        xAxis: { type: 'category', data: labels, axisLabel: { hideOverlap: true } },
        yAxis: { type: 'value', minInterval: 1 },
        dataZoom: zoom ? [{ type: 'inside' }, { type: 'slider', height: 22, bottom: 12 }] : [{ type: 'inside' }],
        series: series.flatMap((s) =>
          metrics.map((m) => ({
            id: `${m.key}\u0000${s.name ?? ''}`,
            name: s.name === null ? m.label : `${s.name} · ${m.label}`,
            type: m.style === 'bar' ? 'bar' : 'line',
            step: m.style === 'step' ? 'end' : undefined,
            showSymbol: buckets.length <= 62,
            symbolSize: 7,
            barMaxWidth: 28,
            large: many,
            largeThreshold: MANY_BUCKETS,
            emphasis: many ? { disabled: true } : { focus: 'series' },
            // A bucket without the metric (a forecast's past bucket has no projection) is a gap, not a zero.
            data: s.buckets.map((b) => {
              const value = (b as Record<string, unknown>)[m.key];
              return value === undefined || value === null ? null : Number(value);
            }),
          })),
        ),
      },
      { notMerge: true },
    );
    focused.current = -1;
    return () => {
      if (!instance.isDisposed()) instance.off('finished', done);
    };
  }, [series, metrics, buckets, interval, timezone]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const instance = chart.current;
    if (!instance || buckets.length === 0) return;
    const last = buckets.length - 1;
    let next = focused.current;
    if (event.key === 'ArrowRight') next = Math.min(last, next + 1);
    else if (event.key === 'ArrowLeft') next = Math.max(0, next < 0 ? 0 : next - 1);
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = last;
    else if (event.key === 'Enter' && next >= 0) {
      select.current?.(next, null, null);
      event.preventDefault();
      return;
    } else if (event.key === 'Escape') {
      instance.dispatchAction({ type: 'hideTip' });
      return;
    } else return;
    event.preventDefault();
    focused.current = next;
    instance.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: next });
  };

  return (
    <div className="chart-frame">
      <div
        ref={host}
        className="chart"
        data-testid="chart"
        tabIndex={0}
        role="img"
        onKeyDown={onKeyDown}
        aria-label={`${label}: ${buckets.length} buckets${multi ? `, ${series.length} series` : ''}. Use the arrow keys to read each bucket, Enter to explain it, or show the table.`}
      />
    </div>
  );
}
