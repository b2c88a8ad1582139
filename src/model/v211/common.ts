import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { Decimal, Int, Many, Obj, Opt, Str, Url } from '../primitives.ts';
import {
  DisplayText,
  EnergySource,
  EnergySourceCategory,
  EnvironmentalImpactCategory,
  ImageCategory,
} from '../v221/common.ts';

// DisplayText and ImageCategory are the same in 2.1.1 and 2.2.1.
export { DisplayText, ImageCategory };

/** A link to a photo or logo, with an optional thumbnail. */
export const Image = Obj({
  url: Url(),
  thumbnail: Opt(Url()),
  category: ImageCategory,
  type: Str(4),
  width: Opt(Int({ maximum: 99999 })),
  height: Opt(Int({ maximum: 99999 })),
});
export type Image = Static<typeof Image>;

/** Name, website and logo of a company (operator, owner, party). */
export const BusinessDetails = Obj({
  name: Str(100),
  website: Opt(Url()),
  logo: Opt(Image),
});
export type BusinessDetails = Static<typeof BusinessDetails>;

// Energy sources and impact categories are the same in 2.1.1 and 2.2.1.
export { EnergySource, EnergySourceCategory, EnvironmentalImpactCategory };

/** Amount (g/kWh) of one impact category. */
export const EnvironmentalImpact = Obj({
  source: EnvironmentalImpactCategory,
  amount: Decimal(),
});
export type EnvironmentalImpact = Static<typeof EnvironmentalImpact>;

/** Where the supplied energy comes from (used by Location and Tariff). */
export const EnergyMix = Obj({
  is_green_energy: Type.Boolean(),
  energy_sources: Many(EnergySource),
  environ_impact: Many(EnvironmentalImpact),
  supplier_name: Opt(Str(64)),
  energy_product_name: Opt(Str(64)),
});
export type EnergyMix = Static<typeof EnergyMix>;

export const objects: ModuleSchemas['objects'] = {
  DisplayText,
  ImageCategory,
  Image,
  BusinessDetails,
  EnergySourceCategory,
  EnergySource,
  EnvironmentalImpactCategory,
  EnvironmentalImpact,
  EnergyMix,
};

export const patches: ModuleSchemas['patches'] = {};
