// CSVLogger and RemoteMonitor as Keras 3.16 writes and sends: the CSV text of two runs (the
// layout Keras's own CSVLogger wrote for the same fits: header, NA for the missing val_ values,
// '\r\n' line ends, append without a second header), written to a file in Node; the POSTs a
// local server receives.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CSVLogger, Input, RemoteMonitor, Sequential, layers, tensor } from '../../src/node';
import { useWebGPU } from '../helpers';
import { makeTempDir } from '../temp_dir';

useWebGPU();

function classifier() {
  const model = new Sequential({ layers: [Input({ shape: [3] }) as never, new layers.Dense({ units: 2, activation: 'softmax' })] });
  model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  const x = tensor(Array.from({ length: 24 }, (_, i) => Math.sin(i)), [8, 3]);
  const y = tensor(Array.from({ length: 16 }, (_, i) => (i % 2 === Math.floor(i / 2) % 2 ? 1 : 0)), [8, 2]);
  return { model, x, y };
}

describe('CSVLogger', () => {
  it("writes Keras's layout: a header of epoch and the sorted names with their val_ twins, NA where missing, rows ending in \\r\\n; append adds rows only", async () => {
    const { model, x, y } = classifier();
    const filename = join(makeTempDir('csv-'), 'runs', 'log.csv');
    const first = new CSVLogger({ filename });
    const history = await model.fit(x, y, { epochs: 2, verbose: 0, shuffle: false, callbacks: [first] });
    const { accuracy, loss } = history.history as Record<string, number[]>;
    const expected = `epoch,accuracy,loss,val_accuracy,val_loss\r\n0,${accuracy[0]},${loss[0]},NA,NA\r\n1,${accuracy[1]},${loss[1]},NA,NA\r\n`;
    expect(first.csv).toBe(expected);
    expect(readFileSync(filename, 'utf8')).toBe(expected);
    const second = new CSVLogger({ filename, append: true, separator: ';' });
    const more = (await model.fit(x, y, { epochs: 1, verbose: 0, shuffle: false, validationSplit: 0.25, callbacks: [second] })).history as Record<string, number[]>;
    const row = `0;${more.accuracy[0]};${more.loss[0]};${more.val_accuracy[0]};${more.val_loss[0]}\r\n`;
    expect(readFileSync(filename, 'utf8')).toBe(expected + row);
  });

  it('keeps the text alone without a filename, and refuses bad options', async () => {
    const { model, x, y } = classifier();
    const logger = new CSVLogger();
    await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [logger] });
    expect(logger.csv.split('\r\n')[0]).toBe('epoch,accuracy,loss,val_accuracy,val_loss');
    expect(() => new CSVLogger({ separator: ', ' })).toThrow('CSVLogger: separator must be one character. Received: separator=", "');
    expect(() => new CSVLogger({ fileName: 'x.csv' } as never)).toThrow("CSVLogger: unknown option 'fileName'");
    expect(() => new CSVLogger({ filename: '' })).toThrow('CSVLogger: filename must be a non-empty string or null. Received: filename=""');
    expect(() => new RemoteMonitor({ root: 9000 as never })).toThrow('RemoteMonitor: root must be a string. Received: root=9000');
  });
});

describe('RemoteMonitor', () => {
  it('POSTs each epoch\'s logs, as a form field or as JSON, and only warns when the server is unreachable', async () => {
    const received: Array<{ type: string | undefined; body: string }> = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push({ type: request.headers['content-type'], body });
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const root = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const { model, x, y } = classifier();
      const history = (await model.fit(x, y, { epochs: 2, verbose: 0, callbacks: [new RemoteMonitor({ root })] })).history as Record<string, number[]>;
      await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new RemoteMonitor({ root, path: '/json', sendAsJson: true })] });
      expect(received.length).toBe(3);
      expect(received[0].type).toContain('application/x-www-form-urlencoded');
      expect(JSON.parse(new URLSearchParams(received[1].body).get('data')!)).toEqual({ epoch: 1, accuracy: history.accuracy[1], loss: history.loss[1] });
      expect(received[2].type).toBe('application/json');
      expect(Object.keys(JSON.parse(received[2].body)).sort()).toEqual(['accuracy', 'epoch', 'loss']);
    } finally {
      server.close();
    }
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { model, x, y } = classifier();
    await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new RemoteMonitor({ root: 'http://127.0.0.1:9' })] });
    expect(warn).toHaveBeenCalledWith('RemoteMonitor: could not reach the root server at http://127.0.0.1:9.');
    warn.mockRestore();
  });
});
