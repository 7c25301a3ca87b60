// The profile fields Tencent sends beside a live-stream group's accounts (get_admin_list,
// get_members). Each is copied only when upstream has a value: Tencent sends "" for an account
// that never set one, and an absent field is how this API says "none".

export interface AccountProfile {
  nickName?: string;
  avatar?: string;
}

export const profileOf = (raw: Record<string, unknown>): AccountProfile => ({
  ...(typeof raw.NickName === 'string' && raw.NickName !== '' ? { nickName: raw.NickName } : {}),
  ...(typeof raw.Avatar === 'string' && raw.Avatar !== '' ? { avatar: raw.Avatar } : {}),
});
