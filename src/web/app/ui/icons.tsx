// Icons drawn inline (no font or file to load; an emoji font may be missing), hidden from screen
// readers: what they stand for is in the label of what holds them.
const props = { class: "icon", viewBox: "0 0 24 24", width: 20, height: 20, "aria-hidden": true, fill: "none", stroke: "currentColor", "stroke-width": 2, "stroke-linecap": "round", "stroke-linejoin": "round" } as const;

export const PaperclipIcon = () => (
  <svg {...props}>
    <path d="M21 11.5l-8.5 8.5a5.5 5.5 0 0 1-7.8-7.8l9-9a3.7 3.7 0 0 1 5.2 5.2l-9 9a1.8 1.8 0 0 1-2.6-2.6l8.3-8.3" />
  </svg>
);

export const FileIcon = () => (
  <svg {...props}>
    <path d="M14 3H6a1 1 0 0 0-1 1v16a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V8z" />
    <path d="M14 3v5h5" />
  </svg>
);

export const InfoIcon = () => (
  <svg {...props}>
    <circle cx="12" cy="12" r="9" />
    <path d="M12 11v5M12 8h.01" />
  </svg>
);

export const PinIcon = () => (
  <svg {...props} width={14} height={14}>
    <path d="M9 4h6l-1 6 4 4H6l4-4zM12 14v7" />
  </svg>
);

export const MutedIcon = () => (
  <svg {...props} width={14} height={14}>
    <path d="M6 16V11a6 6 0 0 1 9.5-4.9M18 11v5l1.5 2H8M10 21h4M3 3l18 18" />
  </svg>
);
