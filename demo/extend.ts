// The "Extend it" panel: the extension-pattern examples' source, imported with Vite's `?raw` from
// the very modules the page runs (model_builder.ts uses their classes; "Run" calls their run()),
// so what a visitor reads is exactly what trains.

import customLayerSource from '../examples/custom-layer.ts?raw';
import customTrainStepSource from '../examples/custom-train-step.ts?raw';
import customFocalLossSource from '../examples/custom-focal-loss.ts?raw';
import modelBuilderSource from './model_builder.ts?raw';
import * as customLayer from '../examples/custom-layer';
import * as customTrainStep from '../examples/custom-train-step';
import * as customFocalLoss from '../examples/custom-focal-loss';

type RunExample = (options: { epochs?: number; log?: (line: string) => void }) => Promise<unknown>;

interface Pattern {
  title: string;
  file: string;
  source: string;
  /** How the page's own model uses it. */
  usage: string;
  run?: RunExample;
}

const PATTERNS: Pattern[] = [
  {
    title: '1 · Custom layer',
    file: 'examples/custom-layer.ts',
    source: customLayerSource,
    usage: 'Subclass Layer: weights from addWeight in build(), the computation in call(). Pick Normalization › InstanceNormalize above and this InstanceNormalize sits after every hidden layer. Run trains SimpleDense + InstanceNormalize on 6×6 stripe images.',
    run: customLayer.run,
  },
  {
    title: '2 · Custom trainStep',
    file: 'examples/custom-train-step.ts',
    source: customTrainStepSource,
    usage: 'Subclass Model and override trainStep with a GradientTape; compile() and fit() stay. Pick Training step › CustomModel.trainStep above and this class trains the model. Run fits a linear target.',
    run: customTrainStep.run,
  },
  {
    title: '3 · Custom loss',
    file: 'examples/custom-focal-loss.ts',
    source: customFocalLossSource,
    usage: 'Any function of (yTrue, yPred) built from ops is a loss. Pick Loss › Focal loss with 2 classes and Focal implementation › from ops above and this focalLoss trains the model (losses.focalLoss is the same loss as one fused kernel). Run trains a detector of a rare class.',
    run: customFocalLoss.run,
  },
  {
    title: 'This page’s model',
    file: 'demo/model_builder.ts',
    source: modelBuilderSource,
    usage: 'How the settings above become a compiled model, using the three patterns.',
  },
];

/**
 * Fills the panel. `beforeRun` is awaited before an example runs (the page pauses its own
 * training so the two do not share the GPU's time).
 */
export function mountExtendPanel(tabs: HTMLElement, body: HTMLElement, beforeRun: () => Promise<void>): void {
  const views = PATTERNS.map((pattern, i) => {
    const tab = document.createElement('button');
    tab.type = 'button';
    tab.role = 'tab';
    tab.textContent = pattern.title;
    tab.addEventListener('click', () => select(i));
    tabs.append(tab);

    const view = document.createElement('div');
    view.role = 'tabpanel';
    const head = document.createElement('div');
    head.className = 'example-head';
    const usage = document.createElement('p');
    usage.innerHTML = `<code>${pattern.file}</code> · ${escapeHtml(pattern.usage)}`;
    head.append(usage);
    const log = document.createElement('pre');
    log.className = 'log';
    if (pattern.run) head.append(runButton(pattern.run, log, beforeRun));
    const code = document.createElement('pre');
    code.className = 'code';
    code.innerHTML = highlight(pattern.source);
    view.append(head, code, log);
    body.append(view);
    return { tab, view };
  });

  function select(index: number) {
    views.forEach(({ tab, view }, i) => {
      tab.setAttribute('aria-selected', String(i === index));
      view.hidden = i !== index;
    });
  }
  select(0);
}

function runButton(run: RunExample, log: HTMLElement, beforeRun: () => Promise<void>): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'small';
  button.textContent = 'Run it here';
  button.addEventListener('click', async () => {
    button.disabled = true;
    log.textContent = '';
    const started = performance.now();
    try {
      await beforeRun();
      await run({ log: (line) => (log.textContent += `${line}\n`) });
      log.textContent += `done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`;
    } catch (e) {
      log.textContent += `failed: ${(e as Error).message}\n`;
      console.error(e);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

const TOKEN = /(\/\/[^\n]*|\/\*[\s\S]*?\*\/)|('(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)|\b(\d+(?:\.\d+)?(?:e-?\d+)?)\b|\b(import|export|from|const|let|return|class|extends|function|async|await|new|if|else|for|of|type|interface|this|super|true|false)\b/g;

/** A small TypeScript highlighter: comments, strings, numbers and keywords. */
function highlight(source: string): string {
  let html = '';
  let last = 0;
  for (const match of source.matchAll(TOKEN)) {
    html += escapeHtml(source.slice(last, match.index));
    const kind = match[1] ? 'c' : match[2] ? 's' : match[3] ? 'n' : 'k';
    html += `<span class="${kind}">${escapeHtml(match[0])}</span>`;
    last = match.index + match[0].length;
  }
  return html + escapeHtml(source.slice(last));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
