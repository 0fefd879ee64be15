import type { ButtonHTMLAttributes } from "react";

/**
 * X's pill button in Tailwind. The claim card uses it instead of MUI's Button: a timeline can hold
 * many cards, and a plain button mounts without an emotion style pass per shadow root.
 */
export function PillButton({
  variant = "contained",
  className = "",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: "contained" | "outlined" }) {
  const look =
    variant === "contained"
      ? "border-transparent bg-[#1d9bf0] text-white hover:bg-[#1a8cd8]"
      : "border-[var(--mf-border)] bg-transparent text-[var(--mf-text)] hover:bg-[#1d9bf01a]";
  return (
    <button
      type="button"
      className={`cursor-pointer rounded-full border px-4 py-2 text-[15px] font-bold leading-5 transition-colors disabled:cursor-default disabled:opacity-50 ${look} ${className}`}
      {...props}
    />
  );
}
