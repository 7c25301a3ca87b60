import { ConfigError } from '#lib/config/env.ts';
import { readTencentConfig } from '#lib/config/providers.ts';
import { TENCENT_REGIONS, tencentBaseUrls } from '#lib/tencent/regions.ts';

// The REST hosts as Tencent documents them ("RESTful API Overview", request URL, `xxxxxx`:
// https://www.tencentcloud.com/document/product/1047/34620), main host then the backup host to
// use when the main one cannot be reached (e.g. its DNS is hijacked). Written out here rather
// than read from lib/, so a typo or a swap in the code fails this test.
const DOCUMENTED: Record<string, [primary: string, backup: string]> = {
  china: ['console.tim.qq.com', 'adminapi.my-imcloud.com'],
  singapore: ['adminapisgp.im.qcloud.com', 'adminapisgp.my-imcloud.com'],
  seoul: ['adminapikr.im.qcloud.com', 'adminapikr.my-imcloud.com'],
  frankfurt: ['adminapiger.im.qcloud.com', 'adminapiger.my-imcloud.com'],
  mumbai: ['adminapiind.im.qcloud.com', 'adminapiind.my-imcloud.com'],
  'silicon-valley': ['adminapiusa.im.qcloud.com', 'adminapiusa.my-imcloud.com'],
  jakarta: ['adminapiidn.im.qcloud.com', 'adminapiidn.my-imcloud.com'],
  // Not on that page's list; Tencent's Tokyo site ("jpn") uses the same naming for its hosts.
  tokyo: ['adminapijpn.im.qcloud.com', 'adminapijpn.my-imcloud.com'],
};

describe('tencentBaseUrls', () => {
  test('knows exactly the documented regions', () => {
    expect(Object.keys(TENCENT_REGIONS).sort()).toEqual(Object.keys(DOCUMENTED).sort());
  });

  test.each(Object.entries(DOCUMENTED))('%s: its main host, then its backup host, over HTTPS', (region, [primary, backup]) => {
    expect(tencentBaseUrls(region as keyof typeof TENCENT_REGIONS)).toEqual([`https://${primary}`, `https://${backup}`]);
  });

  test('a base URL override is the only host tried, without trailing slashes', () => {
    expect(tencentBaseUrls('singapore', 'http://127.0.0.1:4010/')).toEqual(['http://127.0.0.1:4010']);
    expect(tencentBaseUrls('china', 'https://proxy.example.com/tim//')).toEqual(['https://proxy.example.com/tim']);
  });
});

describe('readTencentConfig: the region', () => {
  const env = (region?: string) => ({ TENCENT_SECRET_ID: 'livegate/tencent', ...(region === undefined ? {} : { TENCENT_REGION: region }) });

  test.each(Object.keys(DOCUMENTED))('%s is accepted', (region) => {
    expect(readTencentConfig(env(region)).region).toBe(region);
  });

  test('china when unset or blank; surrounding spaces are ignored', () => {
    expect(readTencentConfig(env()).region).toBe('china');
    expect(readTencentConfig(env('  ')).region).toBe('china');
    expect(readTencentConfig(env(' seoul ')).region).toBe('seoul');
  });

  test.each(['mars', 'China', 'SINGAPORE', 'sgp', 'silicon valley', 'us-east-1', '__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'an unknown region %p is a configuration error naming the known ones',
    (region) => {
      expect(() => readTencentConfig(env(region))).toThrow(ConfigError);
      expect(() => readTencentConfig(env(region))).toThrow(`TENCENT_REGION must be one of ${Object.keys(TENCENT_REGIONS).join(', ')}, got "${region}"`);
    },
  );
});
