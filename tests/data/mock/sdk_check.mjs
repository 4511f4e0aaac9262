// Official SDK compatibility check for ringgate-mock (not part of ctest: it needs npm).
//   mkdir /tmp/sdk && cd /tmp/sdk && npm init -y && npm install openai @anthropic-ai/sdk @google/genai
//   cp <repo>/tests/data/mock/sdk_check.mjs .   # ESM resolves packages next to the script
//   ringgate-mock --tokens 4 --port-file /tmp/mock.json &
//   node sdk_check.mjs /tmp/mock.json           # prints ok/FAIL per check; exit 1 on failure
// Last run: openai 7.55.0, @anthropic-ai/sdk 1.10.0, @google/genai 3.1.0: 25/25 ok.
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import fs from 'fs';
const port = JSON.parse(fs.readFileSync(process.argv[2])).http;
const base = `http://127.0.0.1:${port}`;
const ok = (c, m) => { if (!c) { console.log('FAIL', m); process.exitCode = 1; } else console.log('ok  ', m); };
const tools = [{type:'function', function:{name:'get_weather', parameters:{type:'object', properties:{city:{type:'string'}}, required:['city']}}}];

const oa = new OpenAI({ apiKey: 'sk-sdk', baseURL: base + '/v1', maxRetries: 2 });
const c1 = await oa.chat.completions.create({ model: 'gpt-4o', messages: [{role:'user', content:'hi there'}] });
ok(c1.choices[0].message.content === 'tok1 tok2 tok3 tok4' && c1.usage.completion_tokens === 4, 'openai chat');
let txt = '', usage;
for await (const ch of await oa.chat.completions.create({ model:'gpt-4o', stream:true, stream_options:{include_usage:true}, messages:[{role:'user',content:'hi'}] })) {
  txt += ch.choices[0]?.delta?.content ?? ''; if (ch.usage) usage = ch.usage; }
ok(txt === 'tok1 tok2 tok3 tok4' && usage.completion_tokens === 4, 'openai chat stream');
const runner = oa.chat.completions.stream({ model:'gpt-4o', messages:[{role:'user',content:'weather?'}], tools });
const fin = await runner.finalChatCompletion();
ok(fin.choices[0].message.tool_calls[0].function.arguments === '{"city":"mock"}', 'openai tool stream accumulate');
const emb = await oa.embeddings.create({ model:'text-embedding-3-small', input:['a','b'], dimensions: 16 });
ok(emb.data.length === 2 && emb.data[0].embedding.length === 16, 'openai embeddings (SDK default base64)');
const r = await oa.responses.create({ model:'gpt-4o', input:'hello' });
ok(r.output_text === 'tok1 tok2 tok3 tok4', 'openai responses');
const rs = oa.responses.stream({ model:'gpt-4o', input:'hello' });
const rf = await rs.finalResponse();
ok(rf.output_text === 'tok1 tok2 tok3 tok4', 'openai responses stream');
const comp = await oa.completions.create({ model:'x', prompt:'hi' });
ok(comp.choices[0].text === 'tok1 tok2 tok3 tok4', 'openai completions');
const models = await oa.models.list();
ok(models.data.length > 0, 'openai models');
const retried = await oa.chat.completions.create({ model:'gpt-4o~fault=429~retry_after_ms=50~count=1', messages:[{role:'user',content:'hi'}] });
ok(retried.choices[0].message.content.startsWith('tok1'), 'openai retries 429 then succeeds');
try { await new OpenAI({apiKey:'k~fault=insufficient_quota', baseURL: base+'/v1', maxRetries:0}).chat.completions.create({model:'m', messages:[{role:'user',content:'x'}]}); ok(false,'quota'); }
catch (e) { ok(e.status === 429 && e.code === 'insufficient_quota', 'openai insufficient_quota error'); }
try { let t=''; for await (const ch of await oa.chat.completions.create({ model:'gpt-4o~stream_error~after=1', stream:true, messages:[{role:'user',content:'x'}] })) {} ok(false,'stream error'); }
catch (e) { ok(/server had an error/.test(e.message), 'openai in-stream error raised'); }

const an = new Anthropic({ apiKey: 'sk-ant-sdk', baseURL: base, maxRetries: 2 });
const m1 = await an.messages.create({ model:'mock-large', max_tokens: 100, messages:[{role:'user',content:'hi'}] });
ok(m1.content[0].text === 'tok1 tok2 tok3 tok4' && m1.usage.output_tokens === 4, 'anthropic messages');
const ms = an.messages.stream({ model:'mock-large', max_tokens: 100, messages:[{role:'user',content:'hi'}] });
const mf = await ms.finalMessage();
ok(mf.content[0].text === 'tok1 tok2 tok3 tok4' && mf.usage.output_tokens === 4 && mf.usage.input_tokens === 1, 'anthropic stream');
const mt = await an.messages.stream({ model:'c', max_tokens: 100, messages:[{role:'user',content:'hi'}], tools:[{name:'lookup', input_schema:{type:'object', properties:{q:{type:'string'}}, required:['q']}}] }).finalMessage();
ok(mt.content[0].type === 'tool_use' && mt.content[0].input.q === 'mock' && mt.stop_reason === 'tool_use', 'anthropic tool stream');
const ct = await an.messages.countTokens({ model:'c', messages:[{role:'user',content:'a b c'}] });
ok(ct.input_tokens === 3, 'anthropic count_tokens');
const am = await an.models.list();
ok(am.data.length > 0, 'anthropic models');
const ar = await an.messages.create({ model:'c~fault=529~count=1', max_tokens: 10, messages:[{role:'user',content:'hi'}] });
ok(ar.content[0].text.startsWith('tok1'), 'anthropic retries 529 then succeeds');
try { await new Anthropic({apiKey:'k~fault=429~retry_after=1', baseURL: base, maxRetries:0}).messages.create({model:'c', max_tokens:5, messages:[{role:'user',content:'x'}]}); ok(false,'429'); }
catch (e) { ok(e.status === 429 && e.error?.error?.type === 'rate_limit_error', 'anthropic rate limit error'); }

const g = new GoogleGenAI({ apiKey: 'gm-sdk', httpOptions: { baseUrl: base } });
const g1 = await g.models.generateContent({ model:'gemini-2.5-flash', contents:'hi there' });
ok(g1.text === 'tok1 tok2 tok3 tok4' && g1.usageMetadata.candidatesTokenCount === 4, 'gemini generateContent');
let gt = '', gu;
for await (const ch of await g.models.generateContentStream({ model:'gemini-2.5-flash', contents:'hi there' })) { gt += ch.text ?? ''; gu = ch.usageMetadata; }
ok(gt === 'tok1 tok2 tok3 tok4' && gu.totalTokenCount === 6, 'gemini stream');
const gf = await g.models.generateContent({ model:'g', contents:'weather?', config:{ tools:[{functionDeclarations:[{name:'get_weather', parameters:{type:'OBJECT', properties:{city:{type:'STRING'}}, required:['city']}}]}] } });
ok(gf.functionCalls?.[0]?.name === 'get_weather' && gf.functionCalls[0].args.city === 'mock', 'gemini function call');
const gc = await g.models.countTokens({ model:'g', contents:'a b c' });
ok(gc.totalTokens === 3, 'gemini countTokens');
const ge = await g.models.embedContent({ model:'text-embedding-004', contents:['a','b'], config:{outputDimensionality: 8} });
ok(ge.embeddings.length === 2 && ge.embeddings[0].values.length === 8, 'gemini embedContent (batch)');
const gl = await g.models.list();
let n = 0; for await (const m of gl) n++;
ok(n > 0, 'gemini models list');
try { await new GoogleGenAI({ apiKey:'k~429~retry_after=2', httpOptions:{baseUrl: base} }).models.generateContent({model:'g', contents:'x'}); ok(false,'g429'); }
catch (e) { ok(e.status === 429 && /RESOURCE_EXHAUSTED|quota/.test(e.message), 'gemini 429 error'); }
