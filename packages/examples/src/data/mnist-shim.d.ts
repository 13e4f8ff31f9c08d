/** The parts of the CommonJS `mnist` 1.1.0 package we use: per digit, the flat raw pixels in [0, 1]. */
declare module 'mnist' {
  interface Digit { id: number; length: number; raw: number[] }
  const digits: Digit[];
  export default digits;
}
