// Tencent Cloud Chat REST hosts per data-centre region, each with the backup host Tencent
// documents for use when the main one cannot be reached.
export const TENCENT_REGIONS = {
  china: { primary: 'console.tim.qq.com', backup: 'adminapi.my-imcloud.com' },
  singapore: { primary: 'adminapisgp.im.qcloud.com', backup: 'adminapisgp.my-imcloud.com' },
  seoul: { primary: 'adminapikr.im.qcloud.com', backup: 'adminapikr.my-imcloud.com' },
  frankfurt: { primary: 'adminapiger.im.qcloud.com', backup: 'adminapiger.my-imcloud.com' },
  'silicon-valley': { primary: 'adminapiusa.im.qcloud.com', backup: 'adminapiusa.my-imcloud.com' },
  jakarta: { primary: 'adminapiidn.im.qcloud.com', backup: 'adminapiidn.my-imcloud.com' },
  mumbai: { primary: 'adminapiind.im.qcloud.com', backup: 'adminapiind.my-imcloud.com' },
  tokyo: { primary: 'adminapijpn.im.qcloud.com', backup: 'adminapijpn.my-imcloud.com' },
} as const;

export type TencentRegion = keyof typeof TENCENT_REGIONS;

/** Base URLs to try in order: the region's main host, then its backup; or just the override. */
export const tencentBaseUrls = (region: TencentRegion, baseUrlOverride?: string): string[] => {
  if (baseUrlOverride) return [baseUrlOverride.replace(/\/+$/, '')];
  const hosts = TENCENT_REGIONS[region];
  return [`https://${hosts.primary}`, `https://${hosts.backup}`];
};
