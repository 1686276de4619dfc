export interface Segment {
  id: string;
  name: string;
  rule: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface SegmentView {
  id: string;
  name: string;
  /** as written */
  rule: string;
  /** the rule normalized: keywords upper case, shorthands expanded, one space between tokens */
  canonical_rule: string;
  created_at: string;
  updated_at: string;
}
