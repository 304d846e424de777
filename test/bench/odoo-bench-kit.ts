import axios, { type AxiosInstance } from 'axios';
import { KEYSET_ORDER } from '../../adapters/odoo/sync-plan';
import { decodeMethodResponse, encodeMethodCall, type XmlRpcValue } from '../../adapters/odoo/xmlrpc';
import type { CallStats, SimulatorCommand, SimulatorReady, SimulatorReply } from './odoo-simulator-process';
import { SimulatorChild } from './simulator-child';

/** What the Odoo benchmarks share: the simulator in its own process, and a bare XML-RPC client to compare with. */

/** The Odoo simulator in its own process. */
export class Simulator {
  private constructor(private readonly child: SimulatorChild<SimulatorCommand, SimulatorReply, SimulatorReady>) {}

  get ready(): SimulatorReady {
    return this.child.ready;
  }

  /** `version`, open invoices wanted, seed and per-request latency (ms) of the simulated server. */
  static async start(version: string, openWanted: number, latencyMs = 0): Promise<Simulator> {
    return new Simulator(
      await SimulatorChild.start<SimulatorCommand, SimulatorReply, SimulatorReady>('odoo-simulator-process.js', [
        version,
        String(openWanted),
        '1',
        String(latencyMs),
      ]),
    );
  }

  ask<T extends SimulatorReply['type']>(
    command: SimulatorCommand,
    expected: T,
  ): Promise<Extract<SimulatorReply, { type: T }>> {
    return this.child.ask(command, expected);
  }

  stats(): Promise<Record<string, CallStats>> {
    return this.ask({ type: 'stats' }, 'stats').then((r) => r.calls);
  }

  stop(): Promise<void> {
    return this.child.stop();
  }
}

/** A minimal XML-RPC client: one axios instance, the codec, nothing else. */
export class BareClient {
  private readonly http: AxiosInstance = axios.create();
  private uid = 0;

  constructor(private readonly sim: SimulatorReady) {}

  private async rpc(service: 'common' | 'object', method: string, params: XmlRpcValue[]): Promise<XmlRpcValue> {
    const response = await this.http.post<string>(
      `${this.sim.url}/xmlrpc/2/${service}`,
      encodeMethodCall(method, params),
      { headers: { 'Content-Type': 'text/xml' }, responseType: 'text', transformResponse: (x: unknown) => x },
    );
    const decoded = await decodeMethodResponse(response.data);
    if (decoded.kind === 'fault') throw new Error(`${method}: fault ${decoded.code}: ${decoded.message}`);
    return decoded.value;
  }

  async login(): Promise<void> {
    this.uid = (await this.rpc('common', 'authenticate', [
      this.sim.database,
      this.sim.login,
      this.sim.apiKey,
      {},
    ])) as number;
  }

  call(model: string, method: string, args: XmlRpcValue[], kwargs: Record<string, XmlRpcValue>): Promise<XmlRpcValue> {
    return this.rpc('object', 'execute_kw', [
      this.sim.database,
      this.uid,
      this.sim.apiKey,
      model,
      method,
      args,
      kwargs,
    ]);
  }

  /** Walks `model` in (write_date, id) order, page after page; returns the pages and records read. */
  async walk(
    model: string,
    filter: unknown[],
    fields: string[],
    limit: number,
  ): Promise<{ pages: number; records: number }> {
    let after: { writeDate: string; id: number } | undefined;
    let pages = 0;
    let records = 0;
    for (;;) {
      const domain = after
        ? [
            ...filter,
            '|',
            ['write_date', '>', after.writeDate],
            '&',
            ['write_date', '=', after.writeDate],
            ['id', '>', after.id],
          ]
        : filter;
      const page = (await this.call(model, 'search_read', [], { domain, fields, limit, order: KEYSET_ORDER } as Record<
        string,
        XmlRpcValue
      >)) as { id: number; write_date: string }[];
      pages++;
      records += page.length;
      if (page.length < limit) return { pages, records };
      const last = page[page.length - 1]!;
      after = { writeDate: last.write_date, id: last.id };
    }
  }
}
