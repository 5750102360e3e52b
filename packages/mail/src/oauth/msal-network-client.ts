// msal-node's HTTP client, replaced so it can trust an extra CA (the test stack's self-signed
// certificate) and keeps a timeout. Same contract as msal's own: resolve with status, headers and the
// parsed JSON body for any HTTP answer; reject only when there is no answer (network, TLS, timeout).
import { request } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

export class MsalNetworkClient implements INetworkModule {
  private readonly ca: string[] | undefined;

  constructor(private readonly options: { ca?: string | Buffer | undefined; timeoutMs: number }) {
    this.ca = options.ca === undefined ? undefined : [...rootCertificates, options.ca.toString()];
  }

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private send<T>(method: 'GET' | 'POST', url: string, options: NetworkRequestOptions | undefined, timeout?: number): Promise<NetworkResponse<T>> {
    const body = options?.body;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          headers: {
            ...(options?.headers ?? {}),
            ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
          },
          ...(this.ca ? { ca: this.ca } : {}),
          timeout: timeout ?? this.options.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = text === '' ? {} : JSON.parse(text);
            } catch {
              parsed = { error: 'invalid_response', error_description: `non-JSON answer (HTTP ${res.statusCode ?? 0})` };
            }
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
            resolve({ status: res.statusCode ?? 0, headers, body: parsed as T });
          });
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error(`request to ${new URL(url).origin} timed out`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }
}
