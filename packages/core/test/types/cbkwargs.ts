// Compiled by cbkwargs-types.test.ts with tsc: every line must type-check except those marked
// with an expect-error directive, which must fail (an unused @ts-expect-error is itself an error).
import { FormRequest, JsonRequest, Request, Response, type Failure } from '../../src/index.js';

declare const response: Response;

function parseProduct(_response: Response, cbKwargs: { category: string }): void {
  void cbKwargs.category;
}
function parseOptional(_response: Response, cbKwargs: { page?: number }): void {
  void cbKwargs.page;
}
function parseNothing(_response: Response): void {}
function parseRecord(_response: Response, cbKwargs: Record<string, unknown>): void {
  void cbKwargs;
}
function onError(failure: Failure<{ category: string }>): void {
  void failure.request.cbKwargs.category;
}

// new Request
const ok = new Request('https://a.test/', { callback: parseProduct, cbKwargs: { category: 'shoes' } });
ok satisfies Request<{ category: string }>;
ok.cbKwargs.category satisfies string;
// @ts-expect-error cbKwargs missing for a callback that needs { category }
new Request('https://a.test/', { callback: parseProduct });
// @ts-expect-error cbKwargs of the wrong type
new Request('https://a.test/', { callback: parseProduct, cbKwargs: { category: 1 } });
// @ts-expect-error cbKwargs without the required key
new Request('https://a.test/', { callback: parseProduct, cbKwargs: { categry: 'shoes' } });
// @ts-expect-error an errback that reads cbKwargs needs them too
new Request('https://a.test/', { errback: onError });
// @ts-expect-error typed cbKwargs and no options at all
new Request<{ category: string }>('https://a.test/');
new Request('https://a.test/', { callback: parseProduct, errback: onError, cbKwargs: { category: 'shoes' } });
new Request('https://a.test/', { callback: parseOptional });
new Request('https://a.test/', { callback: parseNothing });
new Request('https://a.test/', { callback: parseRecord });
new Request('https://a.test/', { callback: (r) => r.follow('/next') });
new Request('https://a.test/');
new Request('https://a.test/', {});
new Request('https://a.test/', { cbKwargs: { page: 2 } }).cbKwargs.page satisfies number;

// response.follow / followAll
response.follow('/p/1', { callback: parseProduct, cbKwargs: { category: 'shoes' } }) satisfies Request<{ category: string }>;
// @ts-expect-error cbKwargs missing
response.follow('/p/1', { callback: parseProduct });
// @ts-expect-error cbKwargs of the wrong type
response.follow('/p/1', { callback: parseProduct, cbKwargs: { category: true } });
response.follow('/p/1');
response.follow('/p/1', { callback: parseNothing });
response.follow('/p/1', { callback: parseOptional });
response.followAll({ css: 'a' }, { callback: parseProduct, cbKwargs: { category: 'shoes' } }) satisfies Request<{ category: string }>[];
// @ts-expect-error cbKwargs missing
response.followAll({ css: 'a' }, { callback: parseProduct });
response.followAll({ css: 'a' });
response.followAll(['/a', '/b'], { callback: parseRecord });

// A spider method, as `this.parseProduct`
class Shop {
  parseProduct(_response: Response, cbKwargs: { category: string }): void {
    void cbKwargs;
  }
  parse(r: Response) {
    const good = r.follow('/p', { callback: this.parseProduct, cbKwargs: { category: 'x' } });
    // @ts-expect-error cbKwargs missing
    const bad = r.follow('/p', { callback: this.parseProduct });
    return [good, bad];
  }
}
void Shop;

// FormRequest, JsonRequest, fromResponse
new FormRequest('https://a.test/', { formdata: { q: 'x' }, callback: parseProduct, cbKwargs: { category: 'x' } }) satisfies FormRequest<{ category: string }>;
// @ts-expect-error cbKwargs missing
new FormRequest('https://a.test/', { formdata: { q: 'x' }, callback: parseProduct });
new FormRequest('https://a.test/', { formdata: { q: 'x' } });
new FormRequest('https://a.test/');
new JsonRequest('https://a.test/', { data: { q: 1 }, callback: parseProduct, cbKwargs: { category: 'x' } });
// @ts-expect-error cbKwargs missing
new JsonRequest('https://a.test/', { data: { q: 1 }, callback: parseProduct });
new JsonRequest('https://a.test/', { data: { q: 1 } });
new JsonRequest('https://a.test/');
FormRequest.fromResponse(response, { callback: parseProduct, cbKwargs: { category: 'x' } }) satisfies FormRequest<{ category: string }>;
// @ts-expect-error cbKwargs missing
FormRequest.fromResponse(response, { callback: parseProduct });
FormRequest.fromResponse(response);
FormRequest.fromResponse(response, { formdata: { q: 'x' } });

// replace(): the request's own cbKwargs are kept, and stay optional
const plain = new Request('https://a.test/');
plain.replace();
plain.replace({ priority: 1 }) satisfies Request<Record<string, unknown>>;
plain.replace({ callback: parseNothing });
plain.replace({ callback: parseProduct, cbKwargs: { category: 'x' } }) satisfies Request<{ category: string }>;
ok.replace() satisfies Request<{ category: string }>;
ok.replace({ url: 'https://a.test/2' }) satisfies Request<{ category: string }>;
ok.replace({ callback: parseOptional });
// @ts-expect-error new cbKwargs of the wrong type for the new callback
plain.replace({ callback: parseProduct, cbKwargs: { category: 1 } });
declare const either: Request<any> | Request<Record<string, unknown>>;
either.replace({ dontFilter: true, callback: parseNothing });
ok.copy() satisfies Request<{ category: string }>;
const json = new JsonRequest('https://a.test/', { data: 1 });
json.replace({ data: 2 });
json.replace({ data: 2, callback: parseProduct, cbKwargs: { category: 'x' } }) satisfies Request<{ category: string }>;

// Generic code keeps the request's own cbKwargs type
function retry<K extends object>(request: Request<K>): Request<K> {
  return request.replace({ dontFilter: true, priority: request.priority - 1 });
}
retry(ok) satisfies Request<{ category: string }>;
function retryExplicit<K extends object>(request: Request<K>): Request<K> {
  return request.replace<K>({ dontFilter: true });
}
retryExplicit(ok) satisfies Request<{ category: string }>;
