import { useId, useState } from 'react';
import type { ServiceItem } from '@tongban/shared';
import { useOffices } from '../../api/reference';
import { localName } from '../../format';
import { useI18n } from '../../i18n';
import { TextField } from '../../ui';

/** Step 1: search the catalog (name, code or material) and pick one 事项. */
export function ItemPicker({
  items,
  selected,
  onSelect,
}: {
  items: ServiceItem[];
  selected: ServiceItem | undefined;
  onSelect: (item: ServiceItem) => void;
}) {
  const { t, lang } = useI18n();
  const { officeName } = useOffices();
  const [query, setQuery] = useState('');
  const countId = useId();
  const q = query.trim().toLowerCase();
  const shown = q
    ? items.filter((i) =>
        [i.name, i.nameEn, i.code, i.type, ...i.materials.flatMap((m) => [m.name, m.nameEn])].some((s) => s?.toLowerCase().includes(q)),
      )
    : items;

  return (
    <>
      <TextField
        label={t('搜索事项', 'Search service items')}
        hint={t('可输入事项名称、编码或材料名称，如“社保”“公积金”', 'Name, code or a material, e.g. "social security"')}
        type="search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        aria-controls={countId}
      />
      <p id={countId} className="muted" role="status">
        {shown.length === 0
          ? t(
              `没有找到与“${query.trim()}”相关的事项，请换个关键词（如事项名称的一部分或材料名称），或清空搜索查看全部事项`,
              `No service item matches "${query.trim()}"; try another word (part of the item's name or a material), or clear the search to see them all`,
            )
          : t(`共 ${shown.length} 个事项`, `${shown.length} item(s)`)}
      </p>
      <ul className="item-list">
        {shown.map((item) => (
          <li key={item.code}>
            <button type="button" className="item-option" aria-pressed={selected?.code === item.code} onClick={() => onSelect(item)}>
              <span className="item-name">{localName(item, lang)}</span>
              <span className="item-meta">
                {item.type} · {t(`${item.timeLimitDays} 个工作日`, `${item.timeLimitDays} working days`)} · {item.fee}
              </span>
              <br />
              <span className="item-meta">
                {t('实施机关：', 'Handled by: ')}
                {officeName(item.handlingOfficeId)}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
