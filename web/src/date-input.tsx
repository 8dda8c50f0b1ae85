// A date field that follows the app's language, not the browser's (dates.ts says why): a text input that
// takes 14.07.2026 (German) or 14 Jul 2026 (English), ISO in both, and writes the date back in that form
// when the field is left. The label, the format hint and the error come from the surrounding Field.
import { useEffect, useRef, useState, type InputHTMLAttributes } from "react";
import { useI18n } from "./i18n";
import { formatDateInput, parseDate } from "./dates";

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange" | "type"> & {
  /** YYYY-MM-DD (or "" for empty); while the text is no date, the text itself */
  value: string;
  onChange(value: string): void;
  /** a date of birth: day or month may be unknown */
  partial?: boolean;
};

/** `onChange` gets YYYY-MM-DD when the text is a date, "" when empty, else the text (isIsoDate says no). */
export function DateInput({ value, onChange, partial, onBlur, ...rest }: Props) {
  const { lang } = useI18n();
  const [text, setText] = useState(() => formatDateInput(value, lang));
  const emitted = useRef(value);
  const shownLang = useRef(lang);
  // A value set from outside (a preset, a reset) or a language switch: show it in the current form. What the
  // person types is left as typed until the field is left.
  useEffect(() => {
    const switched = shownLang.current !== lang;
    shownLang.current = lang;
    if (value !== emitted.current || (switched && parseDate(text, partial) === value)) {
      emitted.current = value;
      setText(formatDateInput(value, lang));
    }
    // (deliberately not on `text` or `partial`)
  }, [value, lang]);
  return (
    <input
      {...rest}
      type="text"
      inputMode="text"
      autoComplete="off"
      spellCheck={false}
      className={`date-input ${rest.className ?? ""}`.trim()}
      value={text}
      onChange={(e) => {
        const next = e.target.value;
        setText(next);
        const v = next.trim() === "" ? "" : (parseDate(next, partial) ?? next);
        emitted.current = v;
        onChange(v);
      }}
      onBlur={(e) => {
        const iso = parseDate(text, partial);
        if (iso) setText(formatDateInput(iso, lang));
        onBlur?.(e);
      }}
    />
  );
}
