// The shape every language must have: the English resource's, with each
// plural ("x_one" / "x_other" in English) in the target language's forms.
// A missing or extra key is a compile error where the resource is written.

/** An English resource's shape with its plurals spelled in the given forms. */
export type WithPlurals<T, Forms extends string> = {
  [K in keyof T as K extends `${string}_one` ? never : K extends `${infer Base}_other` ? `${Base}_${Forms}` : K]: T[K] extends string ? string : WithPlurals<T[K], Forms>;
};

/** Russian counts one (1, 21), few (2–4, 22–24), many (5–20, 25) and other (fractions). */
export type RussianOf<T> = WithPlurals<T, "one" | "few" | "many" | "other">;

/** A resource whose values are text all the way down. */
export type Resource = { [key: string]: string | Resource };
